#!/bin/sh
# Test mode: a LUKS prompt that reports on the serial port what it read (as hex) and cryptsetup's result.
# Only layout tests use this mode, with test strings that are reported back by design.
# With after-unlock=reboot on the kernel command line, an unlocked disk "boots on" for a few seconds, then the
# guest reboots (QEMU starts it again) and shows its prompt anew, as a real server's next boot would.
after=""
for arg in $(cat /proc/cmdline); do
    case "$arg" in
        after-unlock=*) after="${arg#after-unlock=}" ;;
    esac
done
n=0
while :; do
    n=$((n + 1))
    stty -echo
    printf 'Please unlock disk disk.img: '
    echo "READY $n" > /dev/ttyS0
    IFS= read -r line
    stty echo
    echo
    echo "READ $n $(printf '%s' "$line" | hexdump -v -e '/1 "%02x"')" > /dev/ttyS0
    if printf '%s\n' "$line" | cryptsetup open --test-passphrase --tries 1 /disk.img >/dev/null 2>&1; then
        echo "RESULT $n 0" > /dev/ttyS0
        echo "disk.img unlocked."
        if [ "$after" = reboot ]; then
            echo "Booting on from the unlocked disk; restarting in a few seconds."
            sleep 6
            echo b > /proc/sysrq-trigger
        fi
    else
        echo "RESULT $n $?" > /dev/ttyS0
        echo "No key available with this passphrase."
    fi
done
