#include "CProcessArguments.h"

static int saved_argc = 0;
static char *const *saved_argv = 0;

/* glibc calls the functions of .init_array with argc, argv and envp before main. */
static void capture(int argc, char **argv, char **envp) {
    (void)envp;
    saved_argc = argc;
    saved_argv = argv;
}

__attribute__((section(".init_array"), used)) static void (*const capture_at_start)(int, char **, char **) = capture;

int vodcdn_argc(void) { return saved_argc; }

char *const *vodcdn_argv(void) { return saved_argv; }
