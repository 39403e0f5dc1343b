/* Preloaded into the test bundle by .ci/leaks when it runs under valgrind.
 *
 * Valgrind 3.19 (Debian 12) edits the signal mask passed to rt_sigsuspend in place. libdispatch's main
 * thread parks in sigsuspend() with a mask that lives in read-only memory, so valgrind itself crashes
 * ("Valgrind received a signal 11") as soon as a Swift test bundle starts. Passing a copy on the stack
 * avoids that and changes nothing else.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>

int sigsuspend(const sigset_t *mask) {
    sigset_t copy = *mask;
    return (int)syscall(SYS_rt_sigsuspend, &copy, (size_t)(_NSIG / 8));
}
