//! The reader against configuration written as administrators write it, each case checked against what
//! `main/config.c` of Asterisk 22.10.1 does with it.

use asterisk_conf::{Config, ErrorKind, Files, read};

fn one(text: &str) -> Config {
    let mut f = Files::new();
    f.add("pjsip.conf", text.as_bytes());
    read(&f, "pjsip.conf").unwrap_or_else(|e| panic!("{e}"))
}

fn fails(text: &str) -> asterisk_conf::ReadError {
    let mut f = Files::new();
    f.add("pjsip.conf", text.as_bytes());
    read(&f, "pjsip.conf").expect_err("Asterisk refuses this file")
}

fn pairs(c: &Config, section: usize) -> Vec<(String, String)> {
    c.sections[section]
        .options
        .iter()
        .map(|o| (o.name.clone(), o.value.clone()))
        .collect()
}

const PHONES: &str = "\
; Phones of the second floor.  Written by hand, 2019.
[phone-tpl](!)
type = endpoint
context = from-internal
disallow = all
allow = ulaw
allow = alaw          ; G.711 only

[auth-tpl](!)
type=auth
auth_type=userpass

[1001](phone-tpl)
auth = 1001
aors => 1001
callerid = \"Anna Berg\" <1001>

[1001](auth-tpl)
username = 1001
password = s3cr\\;et

[1001]
type = aor
max_contacts = 1
";

#[test]
fn templates_come_first_then_the_sections_own_options() {
    let c = one(PHONES);
    let objects: Vec<_> = c.objects().collect();
    assert_eq!(objects.len(), 3, "{:?}", c.sections);
    let ep = c.sections.iter().position(|s| s.name == "1001").unwrap();
    assert_eq!(
        pairs(&c, ep),
        [
            ("type", "endpoint"),
            ("context", "from-internal"),
            ("disallow", "all"),
            ("allow", "ulaw"),
            ("allow", "alaw"),
            ("auth", "1001"),
            ("aors", "1001"),
            ("callerid", "\"Anna Berg\" <1001>"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let e = &c.sections[ep];
    assert_eq!(e.inherits, ["phone-tpl"]);
    assert!(e.options[0].inherited && !e.options[5].inherited);
    assert!(e.options[6].object, "=> is kept apart");
    // Each option knows where it was written; inherited ones, in the template.
    assert_eq!(e.options[0].at.line, 3);
    assert_eq!(e.options[5].at.line, 14);
    assert_eq!(e.options[5].at.column, 1);
    let auth = &objects[1];
    assert_eq!(auth.last("password"), Some("s3cr;et"), "\\; is a semicolon");
    assert_eq!(objects[2].last("type"), Some("aor"));
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn additions_go_to_the_first_section_of_that_name_or_the_one_a_filter_picks() {
    let c = one("\
[1001]
type=endpoint
[1001]
type=aor
[1001](+)
context=added-to-the-first
[1001](+type=aor)
max_contacts=2
");
    assert_eq!(c.sections.len(), 2);
    assert_eq!(c.sections[0].last("context"), Some("added-to-the-first"));
    assert_eq!(c.sections[1].last("max_contacts"), Some("2"));
    assert_eq!(c.sections[0].last("max_contacts"), None);
    let e = fails("[a]\nx=1\n[b](+)\ny=2\n");
    assert_eq!(e.kind, ErrorKind::NothingToAddTo("b".into()));
    assert_eq!((e.at.line, e.at.column), (3, 1));
}

#[test]
fn plus_equals_extends_the_last_value_of_that_name() {
    let c = one("[t]\nmatch = 192.0.2.1\nmatch = 192.0.2.2\nmatch += ,192.0.2.3  \nnew += first\n");
    assert_eq!(
        pairs(&c, 0),
        [
            ("match", "192.0.2.1"),
            // What follows `+=` is added as it is, blanks inside kept (config.c appends, then strips
            // only the ends).
            ("match", "192.0.2.2 ,192.0.2.3"),
            ("new", "first"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
}

#[test]
fn block_comments_nest_and_span_lines() {
    let c = one("\
[a]
x = 1 ;-- a note
   that goes on ;-- and nests --;
   and ends here --; y = 2
z = 3
");
    assert_eq!(
        pairs(&c, 0),
        [("x", "1"), ("y", "2"), ("z", "3")].map(|(a, b)| (a.to_string(), b.to_string()))
    );
}

#[test]
fn crlf_tabs_a_byte_order_mark_and_latin1_are_read() {
    let mut f = Files::new();
    f.add(
        "pjsip.conf",
        b"\xEF\xBB\xBF[2001]\r\n\ttype\t=\tendpoint\r\ncallerid = J\xFCrgen <2001>\r\n",
    );
    let c = read(&f, "pjsip.conf").unwrap();
    assert_eq!(c.sections[0].name, "2001");
    assert_eq!(c.sections[0].last("type"), Some("endpoint"));
    assert_eq!(c.sections[0].last("callerid"), Some("Jürgen <2001>"));
    assert!(
        c.warnings[0].message.contains("Latin-1"),
        "{:?}",
        c.warnings
    );
}

#[test]
fn includes_are_found_among_the_uploaded_files_with_globs() {
    let mut f = Files::new();
    f.add(
        "pjsip.conf",
        b"[global]\ntype=global\n#include \"pjsip.d/*.conf\"\n#tryinclude <optional.conf>\nuser_agent=after\n",
    );
    f.add("pjsip.d/b.conf", b"[b]\ntype=aor\n");
    f.add("pjsip.d/a.conf", b"debug=no\n[a]\ntype=aor\n");
    let c = read(&f, "pjsip.conf").unwrap();
    let names: Vec<_> = c.sections.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["global", "a", "b"], "glob(3) order");
    // The included file starts in the section the includer was in; the includer goes on in its own.
    assert_eq!(c.sections[0].last("debug"), Some("no"));
    assert_eq!(c.sections[0].last("user_agent"), Some("after"));
    assert_eq!(c.sections[1].at.file, "pjsip.d/a.conf");
    assert!(
        c.warnings
            .iter()
            .any(|w| w.message.contains("optional.conf"))
    );

    let mut f = Files::new();
    f.add("pjsip.conf", b"[a]\n#include missing.conf\n");
    let e = read(&f, "pjsip.conf").unwrap_err();
    assert_eq!(e.kind, ErrorKind::IncludeMissing("missing.conf".into()));
    assert_eq!(e.at.to_string(), "pjsip.conf:2:1");
}

#[test]
fn include_loops_and_exec_are_refused_with_where() {
    let mut f = Files::new();
    f.add("a.conf", b"[x]\n#include b.conf\n");
    f.add("b.conf", b"#include a.conf\n");
    let e = read(&f, "a.conf").unwrap_err();
    assert!(matches!(e.kind, ErrorKind::IncludeLoop(..)), "{e}");
    assert_eq!(e.at.file, "b.conf");
    assert!(e.to_string().contains("a.conf → b.conf → a.conf"), "{e}");

    let e = fails("[x]\n  #exec /usr/local/bin/make-phones\n");
    assert_eq!(e.kind, ErrorKind::Exec);
    assert_eq!((e.at.line, e.at.column), (2, 3));
    assert!(e.to_string().contains("does not run programs"));

    let e = fails("[x]\n#include /srv/other.conf\n");
    assert!(matches!(e.kind, ErrorKind::IncludeOutside(_)));
}

#[test]
fn what_asterisk_refuses_is_refused_and_what_it_skips_is_said() {
    assert_eq!(fails("type=endpoint\n").kind, ErrorKind::NoSection);
    assert_eq!(fails("[a\nx=1\n").kind, ErrorKind::NoClosingBracket);
    assert_eq!(fails("[a](b\n").kind, ErrorKind::NoClosingParen);
    assert_eq!(
        fails("[a](nope)\n").kind,
        ErrorKind::NoSuchTemplate("nope".into())
    );
    assert_eq!(fails("[a]\n\\ x=1\n").kind, ErrorKind::BadEscape);
    // A template used before it is defined does not exist yet, as in Asterisk.
    assert_eq!(
        fails("[a](t)\n[t](!)\nx=1\n").kind,
        ErrorKind::NoSuchTemplate("t".into())
    );
    let c = one("[a]\njust words\n= no name\n#frobnicate x\nx=1\n");
    assert_eq!(pairs(&c, 0), [("x".to_string(), "1".to_string())]);
    let lines: Vec<u32> = c.warnings.iter().map(|w| w.at.line).collect();
    assert_eq!(lines, [2, 3, 4], "{:?}", c.warnings);
}

#[test]
fn a_template_can_be_inherited_by_name_case_insensitively_and_templates_chain() {
    let c = one("[Base](!)\na=1\n[mid](!,base)\nb=2\n[leaf](mid)\nc=3\n");
    let leaf = c.sections.iter().find(|s| s.name == "leaf").unwrap();
    let got: Vec<_> = leaf.options.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(got, ["a", "b", "c"]);
    assert_eq!(c.objects().count(), 1);
}

mod random {
    use super::*;
    use proptest::prelude::*;

    /// Lines made of the syntax's own pieces, so the reader's every branch is reached.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("[a]".to_string()),
            Just("[a](!)".to_string()),
            Just("[b](a)".to_string()),
            Just("[a](+)".to_string()),
            Just("[a](+type=aor)".to_string()),
            Just("[c](!,b,+)".to_string()),
            Just("type=aor".to_string()),
            Just("x += y".to_string()),
            Just("k => v ; c".to_string()),
            Just(";-- open".to_string()),
            Just("close --;".to_string()),
            Just("\\;x=1".to_string()),
            Just("#include other.conf".to_string()),
            Just("#tryinclude *.conf".to_string()),
            Just("#exec x".to_string()),
            "[ -~]{0,30}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Whatever the bytes, the reader answers: a configuration or an error with a place; never a
        /// panic.
        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let mut f = Files::new();
            f.add("pjsip.conf", &bytes);
            let _ = read(&f, "pjsip.conf");
        }

        #[test]
        fn random_syntax_never_panics_and_errors_say_where(
            lines in proptest::collection::vec(piece(), 0..40),
            other in proptest::collection::vec(piece(), 0..10),
        ) {
            let mut f = Files::new();
            f.add("pjsip.conf", lines.join("\n").as_bytes());
            f.add("other.conf", other.join("\r\n").as_bytes());
            match read(&f, "pjsip.conf") {
                Ok(c) => {
                    for s in &c.sections {
                        prop_assert!(!s.name.contains(']'));
                        for o in &s.options {
                            prop_assert!(o.at.line >= 1);
                        }
                    }
                }
                Err(e) => {
                    prop_assert!(e.at.file == "pjsip.conf" || e.at.file == "other.conf", "{}", e);
                    let lines_in = if e.at.file == "pjsip.conf" { lines.len() } else { other.len() };
                    prop_assert!((e.at.line as usize) <= lines_in.max(1), "{}", e);
                }
            }
        }
    }
}
