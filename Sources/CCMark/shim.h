// Shim for the system library libcmark (Debian package libcmark-dev).
#include <cmark.h>
