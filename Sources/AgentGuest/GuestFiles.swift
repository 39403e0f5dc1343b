// The two programs Rewind writes itself for the agent guest: its /init script and its workload.
// Both are inputs of the cache key, so editing either rebuilds the guest.

extension AgentGuest {
    /// The guest's `/init` (PID 1), a busybox `sh` script.
    ///
    /// It mounts /proc, /sys and /dev, loads the kernel modules listed in /etc/rewind/modules (in that order),
    /// mounts the data disk (`/dev/vda`, ext4) on /data, creates the `/dev/virtio-ports/<name>` links that udev
    /// would make, starts `qemu-ga` on the `org.qemu.guest_agent.0` port, and starts the workload on
    /// /data/workload.log. Progress lines start with `rewind-guest:` on the serial console.
    ///
    /// Kernel command line options it reads: `rewind.interval_ms=N` (workload period, default 5),
    /// `rewind.fsync_every=N` (default 20), `rewind.workload=0` (do not start the workload).
    public static let initScript = #"""
        #!/bin/sh
        # /init of Rewind's agent guest: PID 1, never exits.
        export PATH=/usr/sbin:/usr/bin:/sbin:/bin
        mount -t proc proc /proc
        mount -t sysfs sysfs /sys
        mount -t devtmpfs devtmpfs /dev
        mkdir -p /dev/pts /dev/virtio-ports /run /tmp /data
        say() { echo "rewind-guest: $*" > /dev/console; }
        say "init at $(cut -d' ' -f1 /proc/uptime) s"

        interval=5; fsync_every=20; workload=1
        for arg in $(cat /proc/cmdline); do
            case "$arg" in
                rewind.interval_ms=*) interval="${arg#*=}" ;;
                rewind.fsync_every=*) fsync_every="${arg#*=}" ;;
                rewind.workload=*) workload="${arg#*=}" ;;
            esac
        done

        while read -r module; do
            insmod "/lib/modules/$module" || say "insmod $module failed"
        done < /etc/rewind/modules

        # The data disk: the domain's only disk, vda.
        i=0
        while [ ! -b /dev/vda ] && [ $i -lt 200 ]; do sleep 0.02; i=$((i + 1)); done
        if mount -t ext4 /dev/vda /data; then
            say "data disk mounted"
        else
            say "cannot mount /dev/vda on /data"
        fi

        # udev is not here: link each named virtio-serial port like udev's rule would.
        named_ports() { cat /sys/class/virtio-ports/*/name 2>/dev/null; }
        i=0
        while [ -z "$(named_ports)" ] && [ $i -lt 200 ]; do sleep 0.02; i=$((i + 1)); done
        for port in /sys/class/virtio-ports/*; do
            [ -r "$port/name" ] || continue
            name=$(cat "$port/name")
            [ -n "$name" ] && ln -sf "../${port##*/}" "/dev/virtio-ports/$name"
        done
        agent=/dev/virtio-ports/org.qemu.guest_agent.0
        if [ -e "$agent" ]; then
            qemu-ga -m virtio-serial -p "$agent" -t /run > /dev/console 2>&1 &
            say "qemu-ga started on $agent"
        else
            say "no org.qemu.guest_agent.0 port: qemu-ga not started"
        fi

        if [ "$workload" = 1 ] && grep -q ' /data ' /proc/mounts; then
            rewind-workload /data/workload.log "$interval" "$fsync_every" > /dev/console 2>&1 &
            say "workload started"
        fi
        say "ready at $(cut -d' ' -f1 /proc/uptime) s"

        # PID 1 must not exit; waking up now and then also reaps orphans.
        while true; do sleep 60; done
        """#

    /// The size in bytes of one workload record (see `workloadSource`).
    public static let workloadRecordSize = 52

    /// The workload's C source, compiled with `gcc -static` when the guest is built.
    public static let workloadSource = #"""
        /*
         * rewind-workload: appends fixed-size, self-checking records to a file, so that the consistency of a
         * copy of that file (a snapshot, a backup) can be judged record by record. Part of Rewind's agent guest.
         *
         * A record is 52 bytes: "CCCCCCCCCCCC RRRRRRRR TTTTTTTTTTTTTTTTTTTT KKKKKKKK\n"
         *   C  the record's index in the file, 12 decimal digits (record i starts at byte 52 * i)
         *   R  the run id, 8 hex digits, drawn at each start (tells records of different boots apart)
         *   T  CLOCK_MONOTONIC in nanoseconds, read just before the record is written, 20 decimal digits
         *   K  CRC-32 (IEEE, as zlib's crc32) of the first 42 bytes, 8 lowercase hex digits
         * A write to a frozen file system blocks, so a freeze shows up as one long gap between two timestamps.
         *
         * usage: rewind-workload FILE [interval-ms (5)] [fsync-every (20)] [max-records (0 = forever)]
         */
        #define _GNU_SOURCE
        #include <errno.h>
        #include <fcntl.h>
        #include <stdint.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/stat.h>
        #include <time.h>
        #include <unistd.h>

        #define RECORD_SIZE 52
        #define PAYLOAD_SIZE 42

        static uint32_t crc_table[256];

        static void crc_init(void) {
            for (uint32_t n = 0; n < 256; n++) {
                uint32_t c = n;
                for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                crc_table[n] = c;
            }
        }

        static uint32_t crc32_of(const char *p, size_t n) {
            uint32_t c = 0xFFFFFFFFu;
            while (n--) c = crc_table[(c ^ (uint8_t)*p++) & 0xFFu] ^ (c >> 8);
            return c ^ 0xFFFFFFFFu;
        }

        static uint64_t now_ns(void) {
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
        }

        static uint32_t draw_run_id(void) {
            uint32_t id = 0;
            int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
            if (fd >= 0) {
                if (read(fd, &id, sizeof id) != (ssize_t)sizeof id) id = 0;
                close(fd);
            }
            if (id == 0) id = (uint32_t)now_ns() ^ (uint32_t)getpid();
            return id;
        }

        static int write_all(int fd, const char *p, size_t n) {
            while (n > 0) {
                ssize_t w = write(fd, p, n);
                if (w < 0) {
                    if (errno == EINTR) continue;
                    return -1;
                }
                p += w;
                n -= (size_t)w;
            }
            return 0;
        }

        int main(int argc, char **argv) {
            if (argc < 2) {
                fprintf(stderr, "usage: %s FILE [interval-ms] [fsync-every] [max-records]\n", argv[0]);
                return 2;
            }
            long interval_ms = argc > 2 ? atol(argv[2]) : 5;
            long fsync_every = argc > 3 ? atol(argv[3]) : 20;
            long long max_records = argc > 4 ? atoll(argv[4]) : 0;
            crc_init();

            int fd = open(argv[1], O_RDWR | O_CREAT | O_CLOEXEC, 0644);
            if (fd < 0) { perror("rewind-workload: open"); return 1; }
            struct stat st;
            if (fstat(fd, &st) != 0) { perror("rewind-workload: fstat"); return 1; }
            off_t whole = st.st_size - st.st_size % RECORD_SIZE;
            if (whole != st.st_size) {
                fprintf(stderr, "rewind-workload: dropping a torn tail of %lld bytes\n", (long long)(st.st_size - whole));
                if (ftruncate(fd, whole) != 0) { perror("rewind-workload: ftruncate"); return 1; }
            }
            if (lseek(fd, whole, SEEK_SET) < 0) { perror("rewind-workload: lseek"); return 1; }
            uint64_t counter = (uint64_t)whole / RECORD_SIZE;
            uint32_t run = draw_run_id();
            fprintf(stderr, "rewind-workload: run %08x appends to %s from record %llu every %ld ms, fsync every %ld\n",
                    run, argv[1], (unsigned long long)counter, interval_ms, fsync_every);

            struct timespec next;
            clock_gettime(CLOCK_MONOTONIC, &next);
            for (long long written = 0; max_records == 0 || written < max_records; written++) {
                char rec[RECORD_SIZE + 1];
                snprintf(rec, sizeof rec, "%012llu %08x %020llu",
                         (unsigned long long)counter, run, (unsigned long long)now_ns());
                snprintf(rec + PAYLOAD_SIZE, sizeof rec - PAYLOAD_SIZE, " %08x\n", crc32_of(rec, PAYLOAD_SIZE));
                if (write_all(fd, rec, RECORD_SIZE) != 0) { perror("rewind-workload: write"); return 1; }
                counter++;
                if (fsync_every > 0 && counter % (uint64_t)fsync_every == 0 && fsync(fd) != 0) {
                    perror("rewind-workload: fsync");
                    return 1;
                }
                if (interval_ms > 0) {
                    next.tv_nsec += interval_ms * 1000000L;
                    while (next.tv_nsec >= 1000000000L) { next.tv_nsec -= 1000000000L; next.tv_sec++; }
                    struct timespec cur;
                    clock_gettime(CLOCK_MONOTONIC, &cur);
                    if (cur.tv_sec > next.tv_sec || (cur.tv_sec == next.tv_sec && cur.tv_nsec >= next.tv_nsec)) {
                        next = cur;  /* late (a blocked write): no burst of catch-up records */
                    } else {
                        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
                    }
                }
            }
            if (fsync(fd) != 0) { perror("rewind-workload: fsync"); return 1; }
            close(fd);
            return 0;
        }
        """#
}
