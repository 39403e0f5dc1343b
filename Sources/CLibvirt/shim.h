// Shim for the system library libvirt (Debian package libvirt-dev).
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
