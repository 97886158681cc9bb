/* `secsim calibrate`: time the crypto algorithms on this host, print a
   table, store it in SQLite; and the lookup of calibration-derived cost
   profiles ("host") for the rest of the command line. */
#ifndef SS_CMD_CALIBRATE_H
#define SS_CMD_CALIBRATE_H

#include <stddef.h>

#include "ss_profile.h"

/* argv[0] is "calibrate".  Options:
     -o, --db DB          database (default results/calibration.db)
     --quick              fewer, shorter repetitions (about 3 s)
     --alg NAME           calibrate only NAME (repeatable)
     --no-store           print only, write no database
     --from-db            time nothing: reuse the latest calibration in DB
     --emit-profile FILE  also write a cost profile file from this run,
     --target-mhz MHZ       scaled by (host MHz / MHZ) to model a slower
                            clock, named after FILE's stem
   Returns the exit status: 0 success, 1 failure while running, 2 bad
   input (nothing written). */
int ss_cmd_calibrate(int argc, char **argv);

/* Load profile `name` from profiles_dir.  If it derives its costs from a
   calibration (the "host" profile), the latest calibration in db_path is
   used; if the database holds none (or does not exist), a quick
   calibration runs now and is stored there first, so "host" always works
   and the next run reuses it.  Errors as ss_profile_load, plus SS_EDB. */
int ss_cmd_calibrate_profile(const char *db_path, const char *profiles_dir,
			     const char *name, ss_profile **out, char *err,
			     size_t errlen);

#endif
