/*
 * The shell's commands as data: a table of names (one word, or a group and a word: "vm list"),
 * their arguments and one line of help each, and the dispatcher that splits a line into words,
 * finds the command, checks the number of arguments and runs it. New commands (the VM life cycle
 * of later issues: "vm start NAME"...) are one more entry in table.c. Pure logic: what a command
 * does is its handler's.
 */
#ifndef DBG_COMMAND_H
#define DBG_COMMAND_H

#include "output.h"
#include <stdbool.h>

/* Words in a line, command name included. */
#define COMMAND_WORDS_MAX 8
/* Columns the name and arguments take in help's list. */
#define COMMAND_HELP_COLUMN 30

/* A handler gets the arguments after the command's name (argc of them, checked against the
 * table's bounds) and prints its output, errors included, as whole lines. */
typedef void (*command_fn)(output_t *out, unsigned argc, char *const *argv);

typedef struct command {
    const char *name;  /* "ps", "log level" */
    const char *usage; /* its arguments as help shows them ("" for none) */
    const char *help;  /* what it does, one line */
    unsigned min_args;
    unsigned max_args;
    command_fn run;
} command_t;

typedef struct command_table {
    const command_t *commands;
    unsigned count;
} command_table_t;

typedef enum {
    COMMAND_EMPTY,     /* nothing but spaces */
    COMMAND_RAN,       /* the handler ran (it reports its own errors) */
    COMMAND_UNKNOWN,   /* no such command: a message said so */
    COMMAND_BAD_USAGE, /* too few or too many arguments or words: a message said so */
} command_status_t;

/* Runs the command line names; line is split in place. */
command_status_t command_run(const command_table_t *table, char *line, output_t *out);

/* The list help prints: every command (topic NULL) or those whose name is topic or starts with
 * it as a group ("log": log level, log stats). False when no command matches the topic. */
bool command_help(const command_table_t *table, const char *topic, output_t *out);

#endif
