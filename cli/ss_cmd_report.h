/* `secsim report`: one static HTML page from results stores. */
#ifndef SS_CMD_REPORT_H
#define SS_CMD_REPORT_H

/* argv[0] is "report". Usage: secsim report [DB ...] [-o FILE]
   [--calibration DB] [--quiet]. Without DB, every results store in
   results/. Writes FILE (default plots/index.html), whose folder holds
   the figures as STUDY/STEM.svg. Returns the exit status: 0 written;
   1 failure while writing; 2 bad input (no store, a store missing or
   not secsim's, a bad spec, a bad option: nothing written). */
int ss_cmd_report(int argc, char **argv, const char *version);

#endif
