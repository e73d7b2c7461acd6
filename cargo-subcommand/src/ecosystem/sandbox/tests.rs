//! The sandbox's command lines (as root and not) and the mapping of paths in and out.

use super::*;

fn mounts() -> Mounts {
    Mounts {
        entry_dir: "/out/work/entries/itoa".into(),
        target_dir: "/out/work/target/slot-0".into(),
        cargo_home: "/out/work/cargo-home".into(),
        home: "/out/work/home".into(),
        tmp_dir: "/out/work/tmp/slot-0".into(),
    }
}

fn unsandboxed(limits: LimitArgs) -> Sandbox {
    Sandbox {
        bwrap: None,
        setpriv: None,
        prlimit: Some("/usr/bin/prlimit".into()),
        limits,
        tools: vec![],
        cgroups: None,
        shared: Mutex::default(),
    }
}

fn args(cmd: &Command) -> String {
    let args: Vec<String> = cmd
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    args.join(" ")
}

#[test]
fn paths_inside_and_back() {
    let sandbox = Sandbox {
        bwrap: Some("/usr/bin/bwrap".into()),
        ..unsandboxed(LimitArgs::default())
    };
    let m = mounts();
    let inner = sandbox.inner(&m);
    assert_eq!(inner.target_dir, Path::new("/tmp/painter/target"));
    assert_eq!(
        sandbox.to_host(
            &m,
            Path::new("/tmp/painter/target/debug/deps/libitoa-1.rmeta")
        ),
        Path::new("/out/work/target/slot-0/debug/deps/libitoa-1.rmeta")
    );
    assert_eq!(sandbox.to_host(&m, Path::new("/x")), Path::new("/x"));
    let plain = unsandboxed(LimitArgs::default());
    assert_eq!(plain.inner(&m).target_dir, m.target_dir);
}

#[test]
fn sandboxed_command_line_as_root() {
    let sandbox = Sandbox {
        bwrap: Some("/usr/bin/bwrap".into()),
        setpriv: Some("/usr/bin/setpriv".into()),
        tools: vec!["/root/.rustup/toolchains/n".into()],
        ..unsandboxed(LimitArgs {
            memory: 1 << 30,
            procs: 512,
            target_size: 2 << 30,
        })
    };
    let cargo = CargoCommand {
        program: "/root/.rustup/toolchains/n/bin/cargo".into(),
        args: vec!["check".into()],
        envs: vec![("RUSTC_WRAPPER", "/opt/driver".into())],
        env_remove: vec![],
    };
    let prepared = Prepared {
        cgroup: None,
        disk: None,
    };
    let cmd = sandbox.command(
        &mounts(),
        &cargo,
        Path::new("/tmp/painter/entry/ws"),
        &prepared,
    );
    assert_eq!(cmd.get_program(), "/usr/bin/bwrap");
    // Nothing of the runner's environment, for bwrap itself either.
    assert_eq!(cmd.get_envs().count(), 0);
    assert!(cmd.get_envs().all(|(_, v)| v.is_none()));
    let line = args(&cmd);
    assert!(
        line.starts_with(
            "--die-with-parent --new-session --unshare-pid --unshare-net --unshare-ipc \
             --unshare-uts --unshare-cgroup --cap-drop ALL --cap-add CAP_SETUID"
        ),
        "{line}"
    );
    // Only what the build needs of the host, never the host's root.
    assert!(!line.contains("--ro-bind / /"), "{line}");
    assert!(line.contains("--ro-bind /usr /usr"), "{line}");
    assert!(line.contains("--dir /root --dir /root/.rustup --dir /root/.rustup/toolchains"));
    assert!(line.contains("--ro-bind /root/.rustup/toolchains/n /root/.rustup/toolchains/n"));
    assert!(line.contains("--bind /out/work/tmp/slot-0 /tmp"), "{line}");
    assert!(line.contains("--ro-bind /out/work/cargo-home /tmp/painter/cargo-home"));
    assert!(line.contains("--ro-bind /out/work/entries/itoa /tmp/painter/entry"));
    assert!(line.contains("--bind /out/work/target/slot-0 /tmp/painter/target"));
    assert!(line.contains("--remount-ro /"), "{line}");
    assert!(line.contains("--setenv RUSTC_WRAPPER /opt/driver"));
    assert!(line.contains("--setenv HOME /tmp/painter/home"));
    assert!(
        line.ends_with(
            "-- /usr/bin/prlimit --as=1073741824 --nproc=512 --fsize=2147483648 -- \
             /usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups \
             --inh-caps=-all --bounding-set=-all --no-new-privs -- \
             /root/.rustup/toolchains/n/bin/cargo check"
        ),
        "{line}"
    );
}

/// The memory limit is the cgroup's where the run's cgroups have the memory controller, and
/// then no RLIMIT_AS is set; otherwise RLIMIT_AS. The isolation says which.
#[test]
fn memory_is_limited_by_the_cgroup_when_there_is_one_else_by_rlimit_as() {
    let limits = LimitArgs {
        memory: 1 << 30,
        procs: 0,
        target_size: 0,
    };
    let cargo = CargoCommand {
        program: "/bin/cargo".into(),
        args: vec!["check".into()],
        envs: vec![],
        env_remove: vec![],
    };
    let prepared = Prepared {
        cgroup: None,
        disk: None,
    };
    let timeout = Duration::from_secs(1);
    for (cgroups, by, line, address_space, cgroup_mib) in [
        (
            None,
            MemoryBy::Rlimit,
            "--as=1073741824 -- /bin/cargo check",
            1024,
            None,
        ),
        (
            Some(false),
            MemoryBy::Rlimit,
            "--as=1073741824 -- /bin/cargo check",
            1024,
            None,
        ),
        (
            Some(true),
            MemoryBy::Cgroup,
            "-- /bin/cargo check",
            0,
            Some(1024),
        ),
    ] {
        let sandbox = Sandbox {
            cgroups: cgroups.map(|memory| Arc::new(Cgroups::for_tests(memory))),
            ..unsandboxed(limits)
        };
        let cmd = sandbox.command(&mounts(), &cargo, Path::new("/ws"), &prepared);
        // The program is prlimit (the test's sandbox always has it); its arguments say which.
        assert_eq!(args(&cmd), line, "{cgroups:?}");
        let isolation = sandbox.isolation(timeout).limits;
        assert_eq!(isolation.memory_by, Some(by), "{cgroups:?}");
        assert_eq!(isolation.address_space_mib, address_space, "{cgroups:?}");
        assert_eq!(isolation.memory_cgroup_mib, cgroup_mib, "{cgroups:?}");
    }
    let none = unsandboxed(LimitArgs::default()).isolation(timeout).limits;
    assert_eq!(none.memory_by, Some(MemoryBy::None));
}

#[test]
fn tools_under_tmp_are_mounted_over_the_private_tmp() {
    let sandbox = Sandbox {
        bwrap: Some("/usr/bin/bwrap".into()),
        tools: vec!["/tmp/clone/target/debug/painter-driver".into()],
        ..unsandboxed(LimitArgs {
            memory: 1 << 30,
            procs: 512,
            target_size: 2 << 30,
        })
    };
    let cargo = CargoCommand {
        program: "/usr/bin/cargo".into(),
        args: vec!["check".into()],
        envs: vec![],
        env_remove: vec![],
    };
    let prepared = Prepared {
        cgroup: None,
        disk: None,
    };
    let line = args(&sandbox.command(&mounts(), &cargo, Path::new("/tmp/w"), &prepared));
    let tmp = line.find("--bind /out/work/tmp/slot-0 /tmp").expect(&line);
    let dirs = line
        .find("--dir /tmp/clone --dir /tmp/clone/target --dir /tmp/clone/target/debug")
        .expect(&line);
    assert!(tmp < dirs, "{line}");
    let tool = line
        .find("--ro-bind /tmp/clone/target/debug/painter-driver /tmp/clone/target/debug/painter-driver")
        .expect(&line);
    assert!(tmp < tool, "the private /tmp would hide the driver: {line}");
}

#[test]
fn unprivileged_runner_maps_itself_to_nobody() {
    let sandbox = Sandbox {
        bwrap: Some("/usr/bin/bwrap".into()),
        prlimit: None,
        ..unsandboxed(LimitArgs::default())
    };
    let cargo = CargoCommand {
        program: "/opt/cargo".into(),
        args: vec![],
        envs: vec![],
        env_remove: vec![],
    };
    let prepared = Prepared {
        cgroup: None,
        disk: None,
    };
    let cmd = sandbox.command(&mounts(), &cargo, Path::new("/"), &prepared);
    assert_eq!(cmd.get_program(), "/usr/bin/bwrap");
    let line = args(&cmd);
    assert!(
        line.contains("--unshare-user --uid 65534 --gid 65534 --cap-drop ALL --"),
        "{line}"
    );
    assert!(line.ends_with("-- /opt/cargo"), "{line}");
}
