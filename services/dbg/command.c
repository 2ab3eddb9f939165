/*
 * The dispatcher (command.h): words split on spaces and tabs, the command whose name matches
 * the most leading words wins, and its argument count is checked before it runs.
 */
#include "command.h"
#include <runtime/string.h>

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Splits line into at most max words (NUL-terminating each); returns how many there are, or
 * max + 1 when there are more. */
static unsigned split(char *line, char **words, unsigned max)
{
    unsigned count = 0;
    char *at = line;

    for (;;) {
        while (is_space(*at)) {
            at++;
        }
        if (*at == '\0') {
            return count;
        }
        if (count == max) {
            return max + 1;
        }
        words[count++] = at;
        while (*at != '\0' && !is_space(*at)) {
            at++;
        }
        if (*at != '\0') {
            *at++ = '\0';
        }
    }
}

/* How many of words the command's name matches (all of its words, or 0). */
static unsigned name_match(const command_t *command, char *const *words, unsigned count)
{
    const char *name = command->name;
    unsigned matched = 0;

    while (*name != '\0') {
        size_t length = 0;
        while (name[length] != '\0' && name[length] != ' ') {
            length++;
        }
        if (matched == count || strlen(words[matched]) != length ||
            memcmp(words[matched], name, length) != 0) {
            return 0;
        }
        matched++;
        name += length;
        if (*name == ' ') {
            name++;
        }
    }
    return matched;
}

/* True when the command's name is the group word followed by more ("log" of "log level"). */
static bool in_group(const command_t *command, const char *group)
{
    size_t length = strlen(group);

    return strncmp(command->name, group, length) == 0 && command->name[length] == ' ';
}

/* An unknown command: a group word alone lists the group, anything else points at help. */
static command_status_t unknown(const command_table_t *table, char *const *words, unsigned count,
                                output_t *out)
{
    bool group = false;

    for (unsigned i = 0; i < table->count; i++) {
        group = group || in_group(&table->commands[i], words[0]);
    }
    if (group && count == 1) {
        output_printf(out, "'%s' needs one more word:", words[0]);
        for (unsigned i = 0; i < table->count; i++) {
            if (in_group(&table->commands[i], words[0])) {
                output_printf(out, " %s", table->commands[i].name);
            }
        }
        output_text(out, "\n");
        return COMMAND_BAD_USAGE;
    }
    if (group) {
        output_printf(out, "unknown command '%s %s': try help %s\n", words[0], words[1], words[0]);
    } else {
        output_printf(out, "unknown command '%s': try help\n", words[0]);
    }
    return COMMAND_UNKNOWN;
}

static void usage(const command_t *command, output_t *out)
{
    output_printf(out, "(usage: %s%s%s)\n", command->name, command->usage[0] != '\0' ? " " : "",
                  command->usage);
}

command_status_t command_run(const command_table_t *table, char *line, output_t *out)
{
    char *words[COMMAND_WORDS_MAX];
    unsigned count = split(line, words, COMMAND_WORDS_MAX);
    const command_t *best = NULL;
    unsigned best_words = 0;

    if (count == 0) {
        return COMMAND_EMPTY;
    }
    if (count > COMMAND_WORDS_MAX) {
        output_printf(out, "too many words (at most %u)\n", COMMAND_WORDS_MAX);
        return COMMAND_BAD_USAGE;
    }
    for (unsigned i = 0; i < table->count; i++) {
        unsigned matched = name_match(&table->commands[i], words, count);
        if (matched > best_words) {
            best = &table->commands[i];
            best_words = matched;
        }
    }
    if (best == NULL) {
        return unknown(table, words, count, out);
    }
    unsigned argc = count - best_words;
    if (argc < best->min_args || argc > best->max_args) {
        output_printf(out, "%s: %s ", best->name,
                      argc < best->min_args ? "missing argument" : "too many arguments");
        usage(best, out);
        return COMMAND_BAD_USAGE;
    }
    best->run(out, argc, words + best_words);
    return COMMAND_RAN;
}

bool command_help(const command_table_t *table, const char *topic, output_t *out)
{
    bool any = false;

    for (unsigned i = 0; i < table->count; i++) {
        const command_t *command = &table->commands[i];
        if (topic != NULL && strcmp(command->name, topic) != 0 && !in_group(command, topic)) {
            continue;
        }
        size_t width = strlen(command->name) + (command->usage[0] != '\0') + strlen(command->usage);
        output_printf(out, "  %s%s%s%*s%s\n", command->name, command->usage[0] != '\0' ? " " : "",
                      command->usage,
                      (int)(width < COMMAND_HELP_COLUMN ? COMMAND_HELP_COLUMN - width : 1), "",
                      command->help);
        any = true;
    }
    return any;
}
