/* Where secsim finds the files it ships (scenarios, profiles, reference
   CSVs, plot specs). */
#ifndef SS_ENV_H
#define SS_ENV_H

/* $SECSIM_DATADIR when set and non-empty, else the source tree secsim
   was built from. */
const char *ss_datadir(void);

#endif
