#ifndef CPROCESSARGUMENTS_H
#define CPROCESSARGUMENTS_H

/* The process's command line as the C library handed it over at start-up (argc, argv): unlike
 * the Swift runtime's copy, it does not depend on /proc being mounted (containers, chroots). */
int vodcdn_argc(void);
char *const *vodcdn_argv(void);

#endif
