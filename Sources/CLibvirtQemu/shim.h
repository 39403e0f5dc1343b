// Shim for the system library libvirt-qemu (Debian package libvirt-dev).
#include <libvirt/libvirt-qemu.h>
