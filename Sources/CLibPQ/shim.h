/* libpq's declarations, from libpq-dev (Debian puts them under postgresql/). */
#if __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#else
#include <postgresql/libpq-fe.h>
#endif
