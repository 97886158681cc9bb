/* `secsim reproduce STUDY`: run every scenario of a paper, plot the
   figures beside the paper's numbers, and optionally check its claims. */
#ifndef SS_REPRODUCE_H
#define SS_REPRODUCE_H

int ss_cmd_reproduce(int argc, char **argv, const char *datadir, const char *version,
		     const volatile int *interrupt);

#endif
