/* `secsim plot`: draw a study's figures and write its tables from a
   results store and the study's plot spec. */
#ifndef SS_CMD_PLOT_H
#define SS_CMD_PLOT_H

/* argv[0] is "plot".  Usage: secsim plot DB [--spec FILE] [-d OUTDIR]
   [--no-draw] [--quiet].  The study is DB's file stem (results/nahum95.db
   → nahum95); the spec defaults to DATADIR/report/specs/STUDY.cfg, DATADIR
   being $SECSIM_DATADIR or else the source tree secsim was built from;
   OUTDIR defaults to plots/STUDY.  Writes OUTDIR/STEM.gp, .png, .svg per
   figure with data, and OUTDIR/tables.md when the spec has tables.
   Returns the exit status: 0 success; 1 failure while writing or drawing
   (gnuplot missing or failing: the scripts are kept); 2 bad input (no
   such store, not a secsim store, no or bad spec, unknown reference id,
   nothing to plot). */
int ss_cmd_plot(int argc, char **argv);

#endif
