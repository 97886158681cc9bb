/* The hold driver against the lazy-cancellation kernel. */
#include "lazy_names.h"
#include "hold.c"
