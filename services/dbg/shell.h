/*
 * The shell: keys from either device go into one line editor; enter runs the line's command.
 * How it shares the console with the log: while a line is being typed it is the prompt line the
 * log service keeps under the log; when enter is pressed the prompt line is taken down, the line
 * is written out as typed ("dbg> ps"), the command's output follows, and a fresh prompt goes up.
 */
#ifndef DBG_SHELL_H
#define DBG_SHELL_H

#include "command.h"
#include "editor.h"

#define SHELL_PROMPT "dbg> "

typedef struct shell {
    editor_t editor;
    const command_table_t *commands;
    bool dirty; /* the prompt line must be drawn again */
} shell_t;

void shell_init(shell_t *shell, const command_table_t *commands);

/* Applies a key (KEY_NONE is ignored); on enter, runs the command. */
void shell_key(shell_t *shell, int key);

/* Draws the prompt line when keys changed it (once per batch of keys). */
void shell_redraw(shell_t *shell);

/* The console forgot the prompt line (the log service restarted): the next redraw sends it. */
void shell_invalidate(shell_t *shell);

#endif
