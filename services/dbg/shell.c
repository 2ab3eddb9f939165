/*
 * The shell (shell.h) over the editor, the dispatcher and the console.
 */
#include "shell.h"
#include "console.h"
#include "key.h"
#include <ipc/log.h>
#include <runtime/string.h>

void shell_init(shell_t *shell, const command_table_t *commands)
{
    editor_init(&shell->editor);
    shell->commands = commands;
    shell->dirty = true;
}

/* The finished line as typed, under the log: the prompt line comes down first, so that a log
 * line arriving meanwhile cannot bring it back above the output. */
static void echo_line(const char *line, const char *suffix)
{
    console_prompt("", 0);
    console_write(SHELL_PROMPT, sizeof(SHELL_PROMPT) - 1);
    console_write(line, strlen(line));
    console_write(suffix, strlen(suffix));
}

void shell_key(shell_t *shell, int key)
{
    editor_t *editor = &shell->editor;

    if (key == KEY_NONE) {
        return;
    }
    switch (editor_key(editor, key)) {
    case EDITOR_NONE:
        return;
    case EDITOR_CHANGED:
        break;
    case EDITOR_SUBMIT:
        /* The line goes out before the command runs: what happens meanwhile (a service's
         * restart...) is printed under it. */
        echo_line(editor->done, "\n");
        console_flush();
        command_run(shell->commands, editor->done, console_output());
        break;
    case EDITOR_CANCEL:
        echo_line(editor->done, "^C\n");
        break;
    case EDITOR_TOO_LONG:
        echo_line(editor->done, "\n");
        output_printf(console_output(), "line too long (more than %u characters): not run\n",
                      EDITOR_LINE_MAX);
        break;
    }
    console_flush();
    shell->dirty = true;
}

void shell_redraw(shell_t *shell)
{
    char line[LOG_CONSOLE_MAX + 1];

    if (!shell->dirty) {
        return;
    }
    size_t length = editor_render(&shell->editor, SHELL_PROMPT, line, sizeof(line));
    console_prompt(line, length);
    shell->dirty = false;
}

void shell_invalidate(shell_t *shell)
{
    shell->dirty = true;
}
