/* Derived cost profiles ("host": this machine's calibration) for a
   scenario: models read profile files only, so the command line turns a
   derived profile into a file under results/ before anything runs. */
#ifndef SS_PROFILES_H
#define SS_PROFILES_H

#include <stddef.h>

#include "ss_scenario.h"

/* If the scenario's `profile` parameter names a profile that derives from
   a calibration, fetch the latest calibration from results/calibration.db
   (running a quick one if there is none), write the profile to
   results/profiles/NAME.cfg and point the parameter at it. Returns 0, or
   an ss_status with a message. The same for a netpair model's hosts:
   when the host profile `sender` or `receiver` names (cpu_profile) a
   derived crypto profile, or `sender_profile` / `receiver_profile` does,
   the file is written and that parameter points at it. Sweeping over a
   derived profile, or over a host that names one, is refused. */
int ss_profiles_resolve(ss_scenario *s, const char *datadir, char *err, size_t errlen);

#endif
