/* The kernel's evq.c built with lazy cancellation (see lazy_names.h). */
#include "lazy_names.h"
#include "../kernel/evq.c"
