#!/bin/sh
# What a busy console of the benchmark shows: its xterm runs this until it closes.
#
# Usage: console-text.sh boot-log|redraws
#   boot-log  a boot log scrolling by: kernel-like lines ("[   1.234567] pci 0000:00:1f.2: ...") and
#             service lines ("[  OK  ] Started ..."), 20 lines every 50 ms (400 a second)
#   redraws   the whole screen rewritten every 70 ms with different text in different colours
#
# The window first moves to 0,0 and grows to fill the 1024x768 screen (xterm's allowWindowOps).
set -eu

printf '\033[3;0;0t\033[4;768;1024t'
sleep 0.5 # the resize reaches the terminal's size (stty) a moment later
rows=$(stty size | cut -d' ' -f1)
cols=$(stty size | cut -d' ' -f2)
printf '\033[2J\033[H\033[?25l'

case "${1:-}" in
boot-log)
    exec awk -v seed=7 '
        function fill(text) {
            while (match(text, /#/))
                text = substr(text, 1, RSTART - 1) int(rand() * 64) substr(text, RSTART + 1)
            while (match(text, /@/))
                text = substr(text, 1, RSTART - 1) sprintf("%04x", int(rand() * 65536)) substr(text, RSTART + 1)
            return text
        }
        BEGIN {
            srand(seed)
            kernel = "pci 0000:00:#.0: [8086:@] type 00 class 0x0c0330"
            kernel = kernel "|ACPI: \\_SB_.PCI0.LNK#: Enabled at IRQ #"
            kernel = kernel "|usb #-#: new high-speed USB device number # using xhci_hcd"
            kernel = kernel "|EXT4-fs (sda#): mounted filesystem with ordered data mode"
            kernel = kernel "|ata#: SATA link up 6.0 Gbps (SStatus 133 SControl 300)"
            kernel = kernel "|e1000e 0000:00:#.0 eth#: NIC Link is Up 1000 Mbps Full Duplex"
            kernel = kernel "|random: crng init done"
            kernel = kernel "|audit: type=1400 audit(#.#:#): apparmor=\"STATUS\" operation=\"profile_load\""
            kernel = kernel "|systemd[1]: Mounting Kernel Debug File System..."
            kernel = kernel "|input: AT Translated Set 2 keyboard as /devices/platform/i8042/serio#/input/input#"
            kernel = kernel "|scsi host#: ahci"
            kernel = kernel "|sd #:0:0:0: [sda] # 512-byte logical blocks: (# GB/# GiB)"
            kernel = kernel "|device-mapper: uevent: version 1.0.#"
            kernel = kernel "|NET: Registered PF_INET6 protocol family"
            kernel = kernel "|clocksource: tsc: mask: 0xffffffffffffffff max_cycles: 0x@@, max_idle_ns: # ns"
            kernel = kernel "|nvme nvme#: pci function 0000:0#:00.0"
            kernel = kernel "|i915 0000:00:02.0: [drm] GuC firmware i915/tgl_guc_#.bin version #.#"
            kernel = kernel "|Bluetooth: hci#: Firmware revision #.# build # week # #"
            kernel = kernel "|cfg80211: Loading compiled-in X.509 certificates for regulatory database"
            services = "Started Journal Service.|Mounted /boot/efi.|Started Network Time Synchronization."
            services = services "|Reached target Local File Systems.|Started Load Kernel Modules."
            services = services "|Finished Create Volatile Files and Directories.|Started D-Bus System Message Bus."
            services = services "|Listening on Load/Save RF Kill Switch Status /dev/rfkill Watch."
            services = services "|Started Rule-based Manager for Device Events and Files."
            nk = split(kernel, k, "|")
            ns = split(services, s, "|")
            t = 0
            while (1) {
                for (i = 0; i < 20; i++) {
                    t += rand() * 0.004
                    if (rand() < 0.2) printf "[\033[0;32m  OK  \033[0m] %s\n", s[1 + int(rand() * ns)]
                    else printf "[%5d.%06d] %s\n", int(t), int((t - int(t)) * 1000000), fill(k[1 + int(rand() * nk)])
                }
                fflush()
                system("sleep 0.05")
            }
        }'
    ;;
redraws)
    exec awk -v rows="$rows" -v cols="$cols" -v seed=11 '
        BEGIN {
            srand(seed)
            letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:-_=+*/#%&()[]{}<>"
            nl = length(letters)
            while (1) {
                for (row = 1; row <= rows; row++) {
                    line = sprintf("\033[%d;1H", row)
                    col = 0
                    while (col < cols) {
                        run = 3 + int(rand() * 10)
                        if (col + run > cols) run = cols - col
                        word = ""
                        for (i = 0; i < run; i++) word = word substr(letters, 1 + int(rand() * nl), 1)
                        fg = 30 + int(rand() * 8) + (rand() < 0.5 ? 60 : 0)
                        line = line sprintf("\033[%d;%dm%s", fg, 40 + int(rand() * 8), word)
                        col += run
                    }
                    printf "%s\033[0m", line
                }
                fflush()
                system("sleep 0.07")
            }
        }'
    ;;
*)
    echo "usage: console-text.sh boot-log|redraws" >&2
    exit 2
    ;;
esac
