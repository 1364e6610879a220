import Boot

/// The kernel command line (QEMU `-append`, Firecracker `boot_args`): whatever the VMM's
/// user wrote, parsed before anything else runs.
enum CommandLineFuzzing {
    static let harness = FuzzHarness(
        name: "cmdline", summary: "kernel command line: KernelCommandLine.parse", maxLength: 4096,
        run: { data in
            let text = String(decoding: data, as: UTF8.self)
            do throws(BootOptionError) {
                let options = try KernelCommandLine.parse(text)
                _ = options.arguments.count
            } catch {
                _ = error.message
            }
        },
        seeds: {
            [
                "--bootchart /bin/hello-static hello Skiff",
                "--verbose --ip=eth0,10.0.2.15,255.255.255.0 --defaultgw=10.0.2.2 --nameserver=10.0.2.3 /bin/server",
                "--env=HOME=/root --env=A=\"b c\" --cwd=/tmp -- /bin/sh -c 'echo \\'x\\''",
                "console=ttyS0 reboot=k panic=1 pci=off --nopci --rootfs=ext --mount-fs=ext4,/dev/vda,/data /bin/app",
                "--redirect=>>/tmp/log --delay=0.5 --maxnic=1 --no-aslr --trace=syscall* --monitor /bin/x",
                "virtio_mmio.device=512@0xfeb00000:12 virtio_mmio.device=4K@0xfeb00e00:19 --nomount --noinit /init",
            ].enumerated().map { ("seed-\($0.offset)", Array($0.element.utf8)) }
        })
}
