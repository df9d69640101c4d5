//! The commands that describe the tool itself: shell completions and the
//! manual pages.

use std::process::Command;

fn modelsite(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_modelsite"))
        .args(args)
        .output()
        .expect("run modelsite")
}

fn stdout(args: &[&str]) -> String {
    let out = modelsite(args);
    assert!(
        out.status.success(),
        "modelsite {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// What bash offers after `words` (the last one being completed), with the
/// script `modelsite completions bash` printed loaded.
fn bash_completes(words: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temporary folder");
    let script = dir.path().join("modelsite.bash");
    std::fs::write(&script, stdout(&["completions", "bash"])).expect("write script");
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={}; COMP_LINE='{}'; COMP_POINT=${{#COMP_LINE}}; _modelsite modelsite '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" "),
        words.len() - 1,
        words.join(" "),
        words[words.len() - 1],
        words[words.len() - 2],
    );
    let out = Command::new("bash")
        .args(["--norc", "-c", &program])
        .output()
        .expect("run bash");
    assert!(
        out.status.success(),
        "bash: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_commands_and_their_flags() {
    let commands = bash_completes(&["modelsite", "se"]);
    assert_eq!(commands, vec!["serve"]);
    let flags = bash_completes(&["modelsite", "serve", "--wa"]);
    assert_eq!(flags, vec!["--watch"]);
    let shells = bash_completes(&["modelsite", "completions", "fi"]);
    assert_eq!(shells, vec!["fish"]);
}

#[test]
fn zsh_and_fish_scripts_name_every_command() {
    let zsh = stdout(&["completions", "zsh"]);
    assert!(zsh.starts_with("#compdef modelsite"), "{zsh:.200}");
    let fish = stdout(&["completions", "fish"]);
    for command in [
        "build",
        "serve",
        "check",
        "init",
        "import",
        "completions",
        "man",
    ] {
        assert!(zsh.contains(&format!("'{command}:")), "zsh lacks {command}");
        assert!(
            fish.contains(&format!("-a \"{command}\"")),
            "fish lacks {command}"
        );
    }
}

#[test]
fn the_manual_pages_describe_the_tool_and_each_command() {
    let page = stdout(&["man"]);
    assert!(page.contains(".TH modelsite 1"), "{page:.300}");
    for command in ["build", "serve", "check", "init", "import", "completions"] {
        assert!(
            page.contains(&format!("modelsite\\-{command}(1)")),
            "the page lists {command}"
        );
    }
    let build = stdout(&["man", "build"]);
    assert!(build.contains(".TH modelsite-build 1"), "{build:.300}");
    assert!(build.contains("\\-\\-output\\-dir"), "{build:.600}");
    // man renders it, where man is installed.
    if let Ok(out) = Command::new("man")
        .args(["-l", "-"])
        .env("MANWIDTH", "80")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(build.as_bytes())?;
            child.wait_with_output()
        })
    {
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("--output-dir"), "{text:.600}");
    }
}

#[test]
fn a_manual_page_of_a_misspelt_command_suggests_the_right_one() {
    let out = modelsite(&["man", "biuld"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("there is no command `biuld`"), "{err}");
    assert!(err.contains("did you mean `build`?"), "{err}");
}
