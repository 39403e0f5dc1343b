// Shim for the system library libnbd (Debian package libnbd-dev).
#include <libnbd.h>
