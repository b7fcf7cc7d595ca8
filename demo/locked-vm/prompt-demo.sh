#!/bin/sh
# Demo mode: cryptsetup's own prompt on the console, as an initramfs shows it. The serial port gets only
# the prompt number and cryptsetup's exit status, never anything typed.
printf '\033[H\033[J'   # a clean screen: only the prompt, as a guest that boots quietly shows it
echo "This disk is encrypted. Type its passphrase to unlock it."
echo
n=0
while :; do
    n=$((n + 1))
    echo "READY $n" > /dev/ttyS0
    if cryptsetup open --test-passphrase --tries 1 /disk.img; then
        echo "RESULT $n 0" > /dev/ttyS0
        echo
        echo "disk.img unlocked: the boot would continue here."
        while :; do sleep 3600; done
    fi
    echo "RESULT $n $?" > /dev/ttyS0
done
