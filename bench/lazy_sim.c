/* The kernel's sim.c built with lazy cancellation (see lazy_names.h). */
#include "lazy_names.h"
#include "../kernel/sim.c"
