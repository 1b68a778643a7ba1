//! Generated from Helm's answers: every expected string below was printed by Helm
//! v4.2.3 (Go 1.26) for the template given with it (via `shared/oracle/helm-oracle`),
//! with the operands rebuilt as the values Helm's template functions produce.
#![allow(clippy::approx_constant)] // 3.14159 is test data, not an approximation of PI

use std::sync::Arc;

use super::{bytes, check, map};
use crate::fmt::{sprint, sprintln};
use crate::value::{ListType, MapRef, MapType, Str, Value};

#[test]
fn printf_oracle_1() {
    check(vec![
        (
            "%06s",
            vec![Value::str("ab")],
            "0000ab",
            "{{ printf \"%06s\" \"ab\" }}",
        ),
        (
            "%-06s|",
            vec![Value::str("ab")],
            "ab    |",
            "{{ printf \"%-06s|\" \"ab\" }}",
        ),
        (
            "%06q",
            vec![Value::str("ab")],
            "00\"ab\"",
            "{{ printf \"%06q\" \"ab\" }}",
        ),
        (
            "%06x",
            vec![Value::str("ab")],
            "006162",
            "{{ printf \"%06x\" \"ab\" }}",
        ),
        (
            "%06v",
            vec![Value::str("ab")],
            "0000ab",
            "{{ printf \"%06v\" \"ab\" }}",
        ),
        (
            "%06v",
            vec![Value::list(vec![Value::str("a"), Value::str("b")])],
            "[00000a 00000b]",
            "{{ printf \"%06v\" .Values.l }}",
        ),
        (
            "%06d",
            vec![Value::list(vec![Value::Float(1.0), Value::Float(2.0)])],
            "[%!d(float64=000001) %!d(float64=000002)]",
            "{{ printf \"%06d\" .Values.li }}",
        ),
        (
            "%06v",
            vec![Value::Bool(true)],
            "00true",
            "{{ printf \"%06v\" true }}",
        ),
        (
            "%06t",
            vec![Value::Bool(true)],
            "00true",
            "{{ printf \"%06t\" true }}",
        ),
        (
            "%06s",
            vec![Value::Bool(true)],
            "%!s(bool=00true)",
            "{{ printf \"%06s\" true }}",
        ),
        (
            "%06d",
            vec![Value::int(5)],
            "000005",
            "{{ printf \"%06d\" 5 }}",
        ),
        (
            "%-06d|",
            vec![Value::int(5)],
            "5     |",
            "{{ printf \"%-06d|\" 5 }}",
        ),
        (
            "%06d",
            vec![Value::int(-5)],
            "-00005",
            "{{ printf \"%06d\" -5 }}",
        ),
        (
            "%+06d",
            vec![Value::int(5)],
            "+00005",
            "{{ printf \"%+06d\" 5 }}",
        ),
        (
            "% 06d",
            vec![Value::int(5)],
            " 00005",
            "{{ printf \"% 06d\" 5 }}",
        ),
        (
            "%06.2d",
            vec![Value::int(5)],
            "    05",
            "{{ printf \"%06.2d\" 5 }}",
        ),
        ("%.0d", vec![Value::int(0)], "", "{{ printf \"%.0d\" 0 }}"),
        (
            "%5.0d|",
            vec![Value::int(0)],
            "     |",
            "{{ printf \"%5.0d|\" 0 }}",
        ),
        ("%x", vec![Value::int(255)], "ff", "{{ printf \"%x\" 255 }}"),
        (
            "%#x",
            vec![Value::int(255)],
            "0xff",
            "{{ printf \"%#x\" 255 }}",
        ),
        (
            "%#X",
            vec![Value::int(255)],
            "0XFF",
            "{{ printf \"%#X\" 255 }}",
        ),
        ("%#o", vec![Value::int(8)], "010", "{{ printf \"%#o\" 8 }}"),
        ("%O", vec![Value::int(8)], "0o10", "{{ printf \"%O\" 8 }}"),
        (
            "%#b",
            vec![Value::int(5)],
            "0b101",
            "{{ printf \"%#b\" 5 }}",
        ),
        ("%b", vec![Value::int(-5)], "-101", "{{ printf \"%b\" -5 }}"),
        ("%c", vec![Value::int(65)], "A", "{{ printf \"%c\" 65 }}"),
        ("%q", vec![Value::int(65)], "'A'", "{{ printf \"%q\" 65 }}"),
        (
            "%+q",
            vec![Value::int(233)],
            "'\\u00e9'",
            "{{ printf \"%+q\" 233 }}",
        ),
        (
            "%U",
            vec![Value::int(65)],
            "U+0041",
            "{{ printf \"%U\" 65 }}",
        ),
        (
            "%#U",
            vec![Value::int(65)],
            "U+0041 'A'",
            "{{ printf \"%#U\" 65 }}",
        ),
        (
            "%#U",
            vec![Value::int(233)],
            "U+00E9 '\u{e9}'",
            "{{ printf \"%#U\" 233 }}",
        ),
        (
            "%#U",
            vec![Value::int(-1)],
            "U+FFFFFFFFFFFFFFFF",
            "{{ printf \"%#U\" -1 }}",
        ),
        (
            "%.6U",
            vec![Value::int(65)],
            "U+000041",
            "{{ printf \"%.6U\" 65 }}",
        ),
        (
            "%08U",
            vec![Value::int(65)],
            "  U+0041",
            "{{ printf \"%08U\" 65 }}",
        ),
        (
            "%c",
            vec![Value::int(1114112)],
            "\u{fffd}",
            "{{ printf \"%c\" 1114112 }}",
        ),
        (
            "%q",
            vec![Value::int(1114112)],
            "'\u{fffd}'",
            "{{ printf \"%q\" 1114112 }}",
        ),
        (
            "%x",
            vec![Value::int(-255)],
            "-ff",
            "{{ printf \"%x\" -255 }}",
        ),
        (
            "%#v",
            vec![map(vec![("k", Value::str("v")), ("n", Value::Float(1.5))])],
            "map[string]interface {}{\"k\":\"v\", \"n\":1.5}",
            "{{ printf \"%#v\" .Values.m }}",
        ),
        (
            "%+v",
            vec![map(vec![("k", Value::str("v")), ("n", Value::Float(1.5))])],
            "map[k:v n:1.5]",
            "{{ printf \"%+v\" .Values.m }}",
        ),
        (
            "%5v",
            vec![Value::list(vec![Value::Float(1.0), Value::Float(2.0)])],
            "[    1     2]",
            "{{ printf \"%5v\" .Values.li }}",
        ),
        (
            "%-5v|",
            vec![Value::list(vec![Value::str("a"), Value::str("b")])],
            "[a     b    ]|",
            "{{ printf \"%-5v|\" .Values.l }}",
        ),
        (
            "%5.1f",
            vec![Value::list(vec![Value::Float(1.0), Value::Float(2.0)])],
            "[  1.0   2.0]",
            "{{ printf \"%5.1f\" .Values.li }}",
        ),
        (
            "%q",
            vec![Value::str("\u{0}\u{7f}\u{e9}\u{2028}\u{1f600} \t")],
            "\"\\x00\\x7f\u{e9}\\u2028\u{1f600} \\t\"",
            "{{ printf \"%q\" \"\\x00\\x7f\\u00e9\\u2028\\U0001F600 \\t\" }}",
        ),
        (
            "%+q",
            vec![Value::str("\u{0}\u{7f}\u{e9}\u{2028}\u{1f600} \t")],
            "\"\\x00\\x7f\\u00e9\\u2028\\U0001f600 \\t\"",
            "{{ printf \"%+q\" \"\\x00\\x7f\\u00e9\\u2028\\U0001F600 \\t\" }}",
        ),
        (
            "%#q",
            vec![Value::str("a`b")],
            "\"a`b\"",
            "{{ printf \"%#q\" \"a`b\" }}",
        ),
        (
            "%#q",
            vec![Value::str("a\tb")],
            "`a\tb`",
            "{{ printf \"%#q\" \"a\\tb\" }}",
        ),
        (
            "%#q",
            vec![Value::str("a\nb")],
            "\"a\\nb\"",
            "{{ printf \"%#q\" \"a\\nb\" }}",
        ),
        (
            "%#q",
            vec![Value::str("ab")],
            "`ab`",
            "{{ printf \"%#q\" \"ab\" }}",
        ),
        (
            "%#q",
            vec![Value::str("\u{e9}")],
            "`\u{e9}`",
            "{{ printf \"%#q\" \"\\u00e9\" }}",
        ),
        (
            "%q",
            vec![Value::str("\u{feff}")],
            "\"\\ufeff\"",
            "{{ printf \"%q\" \"\\ufeff\" }}",
        ),
        (
            "%#q",
            vec![Value::str("\u{feff}")],
            "\"\\ufeff\"",
            "{{ printf \"%#q\" \"\\ufeff\" }}",
        ),
        ("%x", vec![Value::str("")], "", "{{ printf \"%x\" \"\" }}"),
        (
            "%5x|",
            vec![Value::str("")],
            "     |",
            "{{ printf \"%5x|\" \"\" }}",
        ),
        (
            "% x",
            vec![Value::str("abc")],
            "61 62 63",
            "{{ printf \"% x\" \"abc\" }}",
        ),
        (
            "% #x",
            vec![Value::str("abc")],
            "0x61 0x62 0x63",
            "{{ printf \"% #x\" \"abc\" }}",
        ),
        (
            "%#X",
            vec![Value::str("abc")],
            "0X616263",
            "{{ printf \"%#X\" \"abc\" }}",
        ),
        (
            "%.2x",
            vec![Value::str("abc")],
            "6162",
            "{{ printf \"%.2x\" \"abc\" }}",
        ),
        (
            "%8x|",
            vec![Value::str("abc")],
            "  616263|",
            "{{ printf \"%8x|\" \"abc\" }}",
        ),
        (
            "%-8x|",
            vec![Value::str("abc")],
            "616263  |",
            "{{ printf \"%-8x|\" \"abc\" }}",
        ),
        (
            "%e",
            vec![Value::Float(0.0)],
            "0.000000e+00",
            "{{ printf \"%e\" 0.0 }}",
        ),
    ]);
}

#[test]
fn printf_oracle_2() {
    check(vec![
        (
            "%g",
            vec![Value::Float(0.0)],
            "0",
            "{{ printf \"%g\" 0.0 }}",
        ),
        (
            "%x",
            vec![Value::Float(0.0)],
            "0x0p+00",
            "{{ printf \"%x\" 0.0 }}",
        ),
        (
            "%b",
            vec![Value::Float(0.0)],
            "0p-1074",
            "{{ printf \"%b\" 0.0 }}",
        ),
        (
            "%#g",
            vec![Value::Float(0.0)],
            "0.00000",
            "{{ printf \"%#g\" 0.0 }}",
        ),
        (
            "%#g",
            vec![Value::Float(1.0)],
            "1.00000",
            "{{ printf \"%#g\" 1.0 }}",
        ),
        (
            "%#.3g",
            vec![Value::Float(1.0)],
            "1.00",
            "{{ printf \"%#.3g\" 1.0 }}",
        ),
        (
            "%#g",
            vec![Value::Float(123456789.0)],
            "1.23456789e+08",
            "{{ printf \"%#g\" 123456789.0 }}",
        ),
        (
            "%#e",
            vec![Value::Float(1.0)],
            "1.000000e+00",
            "{{ printf \"%#e\" 1.0 }}",
        ),
        (
            "%#.0e",
            vec![Value::Float(1.0)],
            "1.e+00",
            "{{ printf \"%#.0e\" 1.0 }}",
        ),
        (
            "%#.0f",
            vec![Value::Float(1.0)],
            "1.",
            "{{ printf \"%#.0f\" 1.0 }}",
        ),
        (
            "%#x",
            vec![Value::Float(1.0)],
            "0x1.0000p+00",
            "{{ printf \"%#x\" 1.0 }}",
        ),
        (
            "%#.0x",
            vec![Value::Float(1.0)],
            "0x1.p+00",
            "{{ printf \"%#.0x\" 1.0 }}",
        ),
        (
            "%#X",
            vec![Value::Float(1.0)],
            "0X1.P+00",
            "{{ printf \"%#X\" 1.0 }}",
        ),
        (
            "%.3g",
            vec![Value::Float(100.0)],
            "100",
            "{{ printf \"%.3g\" 100.0 }}",
        ),
        (
            "%.2g",
            vec![Value::Float(100.0)],
            "1e+02",
            "{{ printf \"%.2g\" 100.0 }}",
        ),
        (
            "%.3g",
            vec![Value::Float(0.0001234)],
            "0.000123",
            "{{ printf \"%.3g\" 0.0001234 }}",
        ),
        (
            "%.3g",
            vec![Value::Float(1.234e-05)],
            "1.23e-05",
            "{{ printf \"%.3g\" 0.00001234 }}",
        ),
        (
            "%g",
            vec![Value::Float(0.0001)],
            "0.0001",
            "{{ printf \"%g\" 0.0001 }}",
        ),
        (
            "%g",
            vec![Value::Float(1e-05)],
            "1e-05",
            "{{ printf \"%g\" 0.00001 }}",
        ),
        (
            "%g",
            vec![Value::Float(100000.0)],
            "100000",
            "{{ printf \"%g\" 100000.0 }}",
        ),
        (
            "%g",
            vec![Value::Float(1000000.0)],
            "1e+06",
            "{{ printf \"%g\" 1000000.0 }}",
        ),
        (
            "%G",
            vec![Value::Float(1e-7)],
            "1E-07",
            "{{ printf \"%G\" 1e-7 }}",
        ),
        (
            "%.20g",
            vec![Value::Float(0.1)],
            "0.10000000000000000555",
            "{{ printf \"%.20g\" 0.1 }}",
        ),
        (
            "%.17g",
            vec![Value::Float(0.1)],
            "0.10000000000000001",
            "{{ printf \"%.17g\" 0.1 }}",
        ),
        (
            "%.30f",
            vec![Value::Float(0.1)],
            "0.100000000000000005551115123126",
            "{{ printf \"%.30f\" 0.1 }}",
        ),
        (
            "%.0f",
            vec![Value::Float(0.5)],
            "0",
            "{{ printf \"%.0f\" 0.5 }}",
        ),
        (
            "%.0f",
            vec![Value::Float(1.5)],
            "2",
            "{{ printf \"%.0f\" 1.5 }}",
        ),
        (
            "%.0f",
            vec![Value::Float(2.5)],
            "2",
            "{{ printf \"%.0f\" 2.5 }}",
        ),
        (
            "%.1f",
            vec![Value::Float(0.25)],
            "0.2",
            "{{ printf \"%.1f\" 0.25 }}",
        ),
        (
            "%.1f",
            vec![Value::Float(0.35)],
            "0.3",
            "{{ printf \"%.1f\" 0.35 }}",
        ),
        (
            "%.2e",
            vec![Value::Float(1.125)],
            "1.12e+00",
            "{{ printf \"%.2e\" 1.125 }}",
        ),
        (
            "%.0e",
            vec![Value::Float(2.5)],
            "2e+00",
            "{{ printf \"%.0e\" 2.5 }}",
        ),
        (
            "%.3x",
            vec![Value::Float(1.0)],
            "0x1.000p+00",
            "{{ printf \"%.3x\" 1.0 }}",
        ),
        (
            "%.0x",
            vec![Value::Float(1.5)],
            "0x1p+01",
            "{{ printf \"%.0x\" 1.5 }}",
        ),
        (
            "%.0x",
            vec![Value::Float(2.5)],
            "0x1p+01",
            "{{ printf \"%.0x\" 2.5 }}",
        ),
        (
            "%.1x",
            vec![Value::Float(1.03125)],
            "0x1.0p+00",
            "{{ printf \"%.1x\" 1.03125 }}",
        ),
        (
            "%.20x",
            vec![Value::Float(1.0)],
            "0x1.00000000000000000000p+00",
            "{{ printf \"%.20x\" 1.0 }}",
        ),
        (
            "%10.3f|",
            vec![Value::Float(-3.14159)],
            "    -3.142|",
            "{{ printf \"%10.3f|\" -3.14159 }}",
        ),
        (
            "%-10.3f|",
            vec![Value::Float(3.14159)],
            "3.142     |",
            "{{ printf \"%-10.3f|\" 3.14159 }}",
        ),
        (
            "%+.3e",
            vec![Value::Float(3.14159)],
            "+3.142e+00",
            "{{ printf \"%+.3e\" 3.14159 }}",
        ),
        (
            "% .3e",
            vec![Value::Float(3.14159)],
            " 3.142e+00",
            "{{ printf \"% .3e\" 3.14159 }}",
        ),
        (
            "%010.3f",
            vec![Value::Float(-3.14159)],
            "-00003.142",
            "{{ printf \"%010.3f\" -3.14159 }}",
        ),
        (
            "%-010.3f|",
            vec![Value::Float(3.14159)],
            "3.142     |",
            "{{ printf \"%-010.3f|\" 3.14159 }}",
        ),
        (
            "%+010.3f",
            vec![Value::Float(3.14159)],
            "+00003.142",
            "{{ printf \"%+010.3f\" 3.14159 }}",
        ),
        (
            "%v",
            vec![Value::Float(1e21)],
            "1e+21",
            "{{ printf \"%v\" 1e21 }}",
        ),
        (
            "%v",
            vec![Value::Float(1e20)],
            "1e+20",
            "{{ printf \"%v\" 1e20 }}",
        ),
        (
            "%v",
            vec![Value::Float(123456.0)],
            "123456",
            "{{ printf \"%v\" 123456.0 }}",
        ),
        (
            "%v",
            vec![Value::Float(1234567.0)],
            "1.234567e+06",
            "{{ printf \"%v\" 1234567.0 }}",
        ),
        (
            "%v",
            vec![Value::Float(0.000123)],
            "0.000123",
            "{{ printf \"%v\" 0.000123 }}",
        ),
        (
            "%v",
            vec![Value::Float(1.23e-05)],
            "1.23e-05",
            "{{ printf \"%v\" 0.0000123 }}",
        ),
        (
            "%*d",
            vec![Value::int(-5), Value::int(3)],
            "3    ",
            "{{ printf \"%*d\" -5 3 }}",
        ),
        (
            "%-*d|",
            vec![Value::int(5), Value::int(3)],
            "3    |",
            "{{ printf \"%-*d|\" 5 3 }}",
        ),
        (
            "%.*f",
            vec![Value::int(2), Value::Float(3.14159)],
            "3.14",
            "{{ printf \"%.*f\" 2 3.14159 }}",
        ),
        (
            "%.*f",
            vec![Value::int(-2), Value::Float(3.14159)],
            "%!(BADPREC)3.141590",
            "{{ printf \"%.*f\" -2 3.14159 }}",
        ),
        (
            "%*d",
            vec![Value::str("x"), Value::int(3)],
            "%!(BADWIDTH)3",
            "{{ printf \"%*d\" \"x\" 3 }}",
        ),
        (
            "%.*d",
            vec![Value::str("x"), Value::int(3)],
            "%!(BADPREC)3",
            "{{ printf \"%.*d\" \"x\" 3 }}",
        ),
        (
            "%*d",
            vec![Value::int(10000000), Value::int(3)],
            "%!(BADWIDTH)3",
            "{{ printf \"%*d\" 10000000 3 }}",
        ),
        (
            "%[3]d",
            vec![Value::int(1), Value::int(2)],
            "%!d(BADINDEX)",
            "{{ printf \"%[3]d\" 1 2 }}",
        ),
        (
            "%[0]d",
            vec![Value::int(1)],
            "%!d(BADINDEX)",
            "{{ printf \"%[0]d\" 1 }}",
        ),
        (
            "%[x]d",
            vec![Value::int(1)],
            "%!d(BADINDEX)",
            "{{ printf \"%[x]d\" 1 }}",
        ),
    ]);
}

#[test]
fn printf_oracle_3() {
    check(vec![
        (
            "%[2]*[1]d",
            vec![Value::int(12), Value::int(5)],
            "   12",
            "{{ printf \"%[2]*[1]d\" 12 5 }}",
        ),
        (
            "%[1]d %d %d",
            vec![Value::int(1), Value::int(2)],
            "1 2 %!d(MISSING)",
            "{{ printf \"%[1]d %d %d\" 1 2 }}",
        ),
        (
            "%[2]d %d",
            vec![Value::int(1), Value::int(2), Value::int(3)],
            "2 3",
            "{{ printf \"%[2]d %d\" 1 2 3 }}",
        ),
        (
            "%[3]2d",
            vec![Value::int(1), Value::int(2), Value::int(3)],
            "%!d(BADINDEX)",
            "{{ printf \"%[3]2d\" 1 2 3 }}",
        ),
        (
            "%[1].2d",
            vec![Value::int(1)],
            "%!d(BADINDEX)",
            "{{ printf \"%[1].2d\" 1 }}",
        ),
        (
            "%d %[1]d %d",
            vec![Value::int(1), Value::int(2)],
            "1 1 2",
            "{{ printf \"%d %[1]d %d\" 1 2 }}",
        ),
        (
            "%",
            vec![Value::int(1)],
            "%!(NOVERB)%!(EXTRA int=1)",
            "{{ printf \"%\" 1 }}",
        ),
        (
            "%-",
            vec![Value::int(1)],
            "%!(NOVERB)%!(EXTRA int=1)",
            "{{ printf \"%-\" 1 }}",
        ),
        (
            "%5",
            vec![Value::int(1)],
            "%!(NOVERB)%!(EXTRA int=1)",
            "{{ printf \"%5\" 1 }}",
        ),
        (
            "%.",
            vec![Value::int(1)],
            "%!.(int=1)",
            "{{ printf \"%.\" 1 }}",
        ),
        (
            "%!",
            vec![Value::int(1)],
            "%!!(int=1)",
            "{{ printf \"%!\" 1 }}",
        ),
        ("%z", vec![], "%!z(MISSING)", "{{ printf \"%z\"  }}"),
        ("%d", vec![], "%!d(MISSING)", "{{ printf \"%d\"  }}"),
        ("%[2]d", vec![], "%!d(BADINDEX)", "{{ printf \"%[2]d\"  }}"),
        (
            "abc%",
            vec![Value::int(1)],
            "abc%!(NOVERB)%!(EXTRA int=1)",
            "{{ printf \"abc%\" 1 }}",
        ),
        (
            "%\u{e4}",
            vec![Value::int(1)],
            "%!\u{e4}(int=1)",
            "{{ printf \"%\u{e4}\" 1 }}",
        ),
        (
            "%.5s",
            vec![Value::str("h\u{e9}llo w\u{f6}rld")],
            "h\u{e9}llo",
            "{{ printf \"%.5s\" \"h\u{e9}llo w\u{f6}rld\" }}",
        ),
        (
            "%.1q",
            vec![Value::str("h\u{e9}llo")],
            "\"h\"",
            "{{ printf \"%.1q\" \"h\u{e9}llo\" }}",
        ),
        (
            "%.2v",
            vec![Value::str("h\u{e9}llo")],
            "h\u{e9}",
            "{{ printf \"%.2v\" \"h\u{e9}llo\" }}",
        ),
        (
            "%5.2s|",
            vec![Value::str("h\u{e9}llo")],
            "   h\u{e9}|",
            "{{ printf \"%5.2s|\" \"h\u{e9}llo\" }}",
        ),
        (
            "%v %v",
            vec![
                Value::int(1),
                Value::str("a"),
                Value::Float(2.5),
                Value::Bool(true),
            ],
            "1 a%!(EXTRA float64=2.5, bool=true)",
            "{{ printf \"%v %v\" 1 \"a\" 2.5 true }}",
        ),
        (
            "%d",
            vec![
                Value::int(1),
                Value::str("a"),
                Value::Float(2.5),
                Value::Bool(true),
            ],
            "1%!(EXTRA string=a, float64=2.5, bool=true)",
            "{{ printf \"%d\" 1 \"a\" 2.5 true }}",
        ),
        (
            "%s",
            vec![
                Value::str("x"),
                Value::list(vec![Value::str("a"), Value::str("b")]),
                map(vec![("k", Value::str("v")), ("n", Value::Float(1.5))]),
            ],
            "x%!(EXTRA []interface {}=[a b], map[string]interface {}=map[k:v n:1.5])",
            "{{ printf \"%s\" \"x\" .Values.l .Values.m }}",
        ),
        (
            "%T",
            vec![Value::list(vec![Value::str("a"), Value::str("b")])],
            "[]interface {}",
            "{{ printf \"%T\" .Values.l }}",
        ),
        (
            "%10T|",
            vec![Value::int(1)],
            "       int|",
            "{{ printf \"%10T|\" 1 }}",
        ),
        ("%.2T", vec![Value::int(1)], "in", "{{ printf \"%.2T\" 1 }}"),
        (
            "%-10T|",
            vec![Value::Nil],
            "<nil>     |",
            "{{ printf \"%-10T|\" .Values.nope }}",
        ),
        (
            "%5v|",
            vec![Value::Nil],
            "<nil>|",
            "{{ printf \"%5v|\" .Values.nope }}",
        ),
        (
            "%p",
            vec![Value::int(1)],
            "%!p(int=1)",
            "{{ printf \"%p\" 1 }}",
        ),
        (
            "%p",
            vec![Value::str("a")],
            "%!p(string=a)",
            "{{ printf \"%p\" \"a\" }}",
        ),
        (
            "%p",
            vec![Value::Nil],
            "%!p(<nil>)",
            "{{ printf \"%p\" .Values.nope }}",
        ),
        (
            "%t",
            vec![Value::int(1)],
            "%!t(int=1)",
            "{{ printf \"%t\" 1 }}",
        ),
        (
            "%w",
            vec![Value::int(1)],
            "%!w(int=1)",
            "{{ printf \"%w\" 1 }}",
        ),
        (
            "%#v",
            vec![Value::str("a\nb")],
            "\"a\\nb\"",
            "{{ printf \"%#v\" \"a\\nb\" }}",
        ),
        (
            "%+#v",
            vec![Value::str("a")],
            "\"a\"",
            "{{ printf \"%+#v\" \"a\" }}",
        ),
        (
            "%#v",
            vec![Value::Float(1.0)],
            "1",
            "{{ printf \"%#v\" 1.0 }}",
        ),
        (
            "%#v",
            vec![Value::Float(1e6)],
            "1e+06",
            "{{ printf \"%#v\" 1e6 }}",
        ),
        (
            "%#v",
            vec![Value::Float(1e21)],
            "1e+21",
            "{{ printf \"%#v\" 1e21 }}",
        ),
        (
            "%#v",
            vec![Value::Bool(true)],
            "true",
            "{{ printf \"%#v\" true }}",
        ),
        (
            "%#v",
            vec![Value::Nil],
            "<nil>",
            "{{ printf \"%#v\" .Values.nope }}",
        ),
        (
            "%#v",
            vec![Value::str("")],
            "\"\"",
            "{{ printf \"%#v\" .Values.e }}",
        ),
        (
            "%#v",
            vec![Value::Float(1.5)],
            "1.5",
            "{{ printf \"%#v\" 1.5 }}",
        ),
        (
            "%#5v|",
            vec![Value::int(1)],
            "    1|",
            "{{ printf \"%#5v|\" 1 }}",
        ),
        (
            "%5v|",
            vec![Value::list(vec![Value::Nil])],
            "[<nil>]|",
            "{{ printf \"%5v|\" .Values.nl }}",
        ),
        (
            "%#v",
            vec![Value::list(vec![Value::Nil])],
            "[]interface {}{interface {}(nil)}",
            "{{ printf \"%#v\" .Values.nl }}",
        ),
        (
            "%d",
            vec![Value::list(vec![Value::Nil])],
            "[<nil>]",
            "{{ printf \"%d\" .Values.nl }}",
        ),
        (
            "%#v",
            vec![map(vec![(
                "b",
                Value::list(vec![Value::Float(1.0), Value::str("x")]),
            )])],
            "map[string]interface {}{\"b\":[]interface {}{1, \"x\"}}",
            "{{ printf \"%#v\" .Values.m }}",
        ),
        (
            "%+v",
            vec![map(vec![(
                "b",
                Value::list(vec![Value::Float(1.0), Value::str("x")]),
            )])],
            "map[b:[1 x]]",
            "{{ printf \"%+v\" .Values.m }}",
        ),
        (
            "%x",
            vec![Value::list(vec![Value::int(10), Value::int(255)])],
            "[a ff]",
            "{{ printf \"%x\" (list 10 255) }}",
        ),
        (
            "%X",
            vec![Value::list(vec![
                Value::int(10),
                Value::int(255),
                Value::str("hi"),
            ])],
            "[A FF 6869]",
            "{{ printf \"%X\" (list 10 255 \"hi\") }}",
        ),
        (
            "%#v",
            vec![Value::list(vec![
                Value::int(10),
                Value::int64(3),
                Value::Float(2.5),
                Value::str("s"),
                Value::Bool(true),
            ])],
            "[]interface {}{10, 3, 2.5, \"s\", true}",
            "{{ printf \"%#v\" (list 10 (int64 3) 2.5 \"s\" true) }}",
        ),
        (
            "%v",
            vec![bytes()],
            "[104 105 195 169]",
            "{{ printf \"%v\" (.Files.GetBytes \"a.bin\") }}",
        ),
        (
            "%d",
            vec![bytes()],
            "[104 105 195 169]",
            "{{ printf \"%d\" (.Files.GetBytes \"a.bin\") }}",
        ),
        (
            "%s",
            vec![bytes()],
            "hi\u{e9}",
            "{{ printf \"%s\" (.Files.GetBytes \"a.bin\") }}",
        ),
        (
            "%q",
            vec![bytes()],
            "\"hi\u{e9}\"",
            "{{ printf \"%q\" (.Files.GetBytes \"a.bin\") }}",
        ),
        (
            "%x",
            vec![bytes()],
            "6869c3a9",
            "{{ printf \"%x\" (.Files.GetBytes \"a.bin\") }}",
        ),
        (
            "% X",
            vec![bytes()],
            "68 69 C3 A9",
            "{{ printf \"% X\" (.Files.GetBytes \"a.bin\") }}",
        ),
        (
            "%#v",
            vec![bytes()],
            "[]byte{0x68, 0x69, 0xc3, 0xa9}",
            "{{ printf \"%#v\" (.Files.GetBytes \"a.bin\") }}",
        ),
        (
            "%o",
            vec![bytes()],
            "[150 151 303 251]",
            "{{ printf \"%o\" (.Files.GetBytes \"a.bin\") }}",
        ),
        (
            "%c",
            vec![bytes()],
            "[h i \u{c3} \u{a9}]",
            "{{ printf \"%c\" (.Files.GetBytes \"a.bin\") }}",
        ),
    ]);
}

#[test]
fn printf_oracle_4() {
    check(vec![
        (
            "%T",
            vec![bytes()],
            "[]uint8",
            "{{ printf \"%T\" (.Files.GetBytes \"a.bin\") }}",
        ),
        (
            "%5d",
            vec![bytes()],
            "[  104   105   195   169]",
            "{{ printf \"%5d\" (.Files.GetBytes \"a.bin\") }}",
        ),
        (
            "%.2s",
            vec![bytes()],
            "hi",
            "{{ printf \"%.2s\" (.Files.GetBytes \"a.bin\") }}",
        ),
        (
            "%t",
            vec![bytes()],
            "[%!t(uint8=104) %!t(uint8=105) %!t(uint8=195) %!t(uint8=169)]",
            "{{ printf \"%t\" (.Files.GetBytes \"a.bin\") }}",
        ),
        (
            "%#v",
            vec![Value::list(vec![bytes()])],
            "[]interface {}{[]uint8{0x68, 0x69, 0xc3, 0xa9}}",
            "{{ printf \"%#v\" (list (.Files.GetBytes \"a.bin\")) }}",
        ),
        (
            "%v",
            vec![Value::list(vec![bytes()])],
            "[[104 105 195 169]]",
            "{{ printf \"%v\" (list (.Files.GetBytes \"a.bin\")) }}",
        ),
        (
            "%s",
            vec![Value::list(vec![bytes()])],
            "[hi\u{e9}]",
            "{{ printf \"%s\" (list (.Files.GetBytes \"a.bin\")) }}",
        ),
        (
            "%x",
            vec![Value::list(vec![bytes()])],
            "[6869c3a9]",
            "{{ printf \"%x\" (list (.Files.GetBytes \"a.bin\")) }}",
        ),
        (
            "%q",
            vec![Value::string_list(["a", "b"])],
            "[\"a\" \"b\"]",
            "{{ printf \"%q\" (splitList \",\" \"a,b\") }}",
        ),
        (
            "%#v",
            vec![Value::string_list(["a", "b"])],
            "[]string{\"a\", \"b\"}",
            "{{ printf \"%#v\" (splitList \",\" \"a,b\") }}",
        ),
        (
            "%v",
            vec![Value::List(Arc::new(crate::value::Items::from(vec![Value::int(0), Value::int(1), Value::int(2)])), ListType::Int)],
            "[0 1 2]",
            "{{ printf \"%v\" (until 3) }}",
        ),
        (
            "%#v",
            vec![Value::List(Arc::new(crate::value::Items::from(vec![Value::int(0), Value::int(1), Value::int(2)])), ListType::Int)],
            "[]int{0, 1, 2}",
            "{{ printf \"%#v\" (until 3) }}",
        ),
        (
            "%T",
            vec![Value::List(Arc::new(crate::value::Items::from(vec![Value::int(0), Value::int(1), Value::int(2)])), ListType::Int)],
            "[]int",
            "{{ printf \"%T\" (until 3) }}",
        ),
        (
            "%#v",
            vec![map(vec![("a", Value::Nil)])],
            "map[string]interface {}{\"a\":interface {}(nil)}",
            "{{ printf \"%#v\" (dict \"a\" nil) }}",
        ),
        (
            "%#v",
            vec![Value::Map(MapRef::new([("_0", "a"), ("_1", "b")].into_iter().map(|(k, v)| (Str::from(k), Value::str(v))).collect()), MapType::String)],
            "map[string]string{\"_0\":\"a\", \"_1\":\"b\"}",
            "{{ printf \"%#v\" (split \",\" \"a,b\") }}",
        ),
        (
            "%T",
            vec![Value::Map(MapRef::new([("_0", "a"), ("_1", "b")].into_iter().map(|(k, v)| (Str::from(k), Value::str(v))).collect()), MapType::String)],
            "map[string]string",
            "{{ printf \"%T\" (split \",\" \"a,b\") }}",
        ),
        (
            "%#v",
            vec![Value::str("ab")],
            "\"ab\"",
            "{{ printf \"%#v\" .Values.s }}",
        ),
        (
            "%q",
            vec![Value::str("\u{1e4d0}\u{31350}\u{1c89}\u{10d40}\u{a0}\u{ad}\u{378}\u{2028}")],
            "\"\u{1e4d0}\u{31350}\\u1c89\\U00010d40\\u00a0\\u00ad\\u0378\\u2028\"",
            "{{ printf \"%q\" \"\\U0001E4D0\\U00031350\\u1C89\\U00010D40\\u00a0\\u00ad\\u0378\\u2028\" }}",
        ),
        (
            "%#q",
            vec![Value::str("\u{2028}")],
            "`\u{2028}`",
            "{{ printf \"%#q\" \"\\u2028\" }}",
        ),
        (
            "%U",
            vec![Value::int(55296)],
            "U+D800",
            "{{ printf \"%U\" 55296 }}",
        ),
        (
            "%#U",
            vec![Value::int(55296)],
            "U+D800",
            "{{ printf \"%#U\" 55296 }}",
        ),
        (
            "%c",
            vec![Value::int(55296)],
            "\u{fffd}",
            "{{ printf \"%c\" 55296 }}",
        ),
        (
            "%q",
            vec![Value::int(55296)],
            "'\u{fffd}'",
            "{{ printf \"%q\" 55296 }}",
        ),
        (
            "%+q",
            vec![Value::str("\u{1e4d0}")],
            "\"\\U0001e4d0\"",
            "{{ printf \"%+q\" \"\\U0001E4D0\" }}",
        ),
        (
            "%v %+v %+g %+g % g %x %e",
            vec![Value::Float(-0.0), Value::Float(0.0), Value::Float(0.0), Value::Float(-0.0), Value::Float(-1.0), Value::Float(-0.0), Value::Float(-0.0)],
            "-0 0 +0 -0 -1 -0x0p+00 -0.000000e+00",
            "{{ printf \"%v %+v %+g %+g % g %x %e\" -0.0 0.0 0.0 -0.0 -1.0 -0.0 -0.0 }}",
        ),
        (
            "%v|%v|%v|%05.1f|%+v|% f|%-6f|%x|%08.3f|%+f|% v|%e|%#v|%+.2e|%#g|%6v|%-6v|%06v|%b",
            vec![Value::Float(f64::NAN), Value::Float(f64::INFINITY), Value::Float(f64::NEG_INFINITY), Value::Float(f64::INFINITY), Value::Float(f64::INFINITY), Value::Float(f64::INFINITY), Value::Float(f64::NAN), Value::Float(f64::NAN), Value::Float(f64::NEG_INFINITY), Value::Float(f64::NAN), Value::Float(f64::NAN), Value::Float(f64::INFINITY), Value::Float(f64::NAN), Value::Float(f64::NAN), Value::Float(f64::INFINITY), Value::Float(f64::NAN), Value::Float(f64::INFINITY), Value::Float(f64::NAN), Value::Float(f64::NEG_INFINITY)],
            "NaN|+Inf|-Inf| +Inf|+Inf| Inf|NaN   |NaN|    -Inf|+NaN| NaN|+Inf|NaN|+NaN|+Inf|   NaN|+Inf  |   NaN|-Inf",
            "{{ $n := float64 \"NaN\" }}{{ $i := float64 \"Inf\" }}{{ $m := float64 \"-Inf\" }}{{ printf \"%v|%v|%v|%05.1f|%+v|% f|%-6f|%x|%08.3f|%+f|% v|%e|%#v|%+.2e|%#g|%6v|%-6v|%06v|%b\" $n $i $m $i $i $i $n $n $m $n $n $i $n $n $i $n $i $n $m }}",
        ),
        (
            "%v|%.2f|%+.1e|%#v|%T|%d|%8.2f|%g|%x",
            vec![Value::Complex(1.0, 2.0), Value::Complex(1.0, 2.0), Value::Complex(1.0, 2.0), Value::Complex(1.0, 2.0), Value::Complex(1.0, 2.0), Value::Complex(1.0, 2.0), Value::Complex(1.0, 2.0), Value::Complex(1.5, -2.5), Value::Complex(1.0, 2.0)],
            "(1+2i)|(1.00+2.00i)|(+1.0e+00+2.0e+00i)|(1+2i)|complex128|%!d(complex128=(1+2i))|(    1.00   +2.00i)|(1.5-2.5i)|(0x1p+00+0x1p+01i)",
            "{{ printf \"%v|%.2f|%+.1e|%#v|%T|%d|%8.2f|%g|%x\" 1+2i 1+2i 1+2i 1+2i 1+2i 1+2i 1+2i 1.5-2.5i 1+2i }}",
        ),
        (
            "%v",
            vec![Value::Float(1e21)],
            "1e+21",
            "{{ printf \"%v\" (float64 \"1e21\") }}",
        ),
        (
            "%.3v",
            vec![Value::Float(3.14159)],
            "3.14",
            "{{ printf \"%.3v\" 3.14159 }}",
        ),
        (
            "%10.3v|",
            vec![Value::Float(3.14159)],
            "      3.14|",
            "{{ printf \"%10.3v|\" 3.14159 }}",
        ),
        (
            "%#.3v",
            vec![Value::Float(3.0)],
            "3",
            "{{ printf \"%#.3v\" 3.0 }}",
        ),
        (
            "%#v",
            vec![Value::Float(3.0)],
            "3",
            "{{ printf \"%#v\" 3.0 }}",
        ),
        (
            "%#+v",
            vec![Value::Float(3.0)],
            "3",
            "{{ printf \"%#+v\" 3.0 }}",
        ),
        (
            "%+v",
            vec![Value::int(3)],
            "3",
            "{{ printf \"%+v\" 3 }}",
        ),
        (
            "%#x",
            vec![Value::list(vec![Value::str("ab"), Value::int(10)])],
            "[0x6162 0xa]",
            "{{ printf \"%#x\" (list \"ab\" 10) }}",
        ),
        (
            "% d",
            vec![Value::list(vec![Value::int(1), Value::int(-2)])],
            "[ 1 -2]",
            "{{ printf \"% d\" (list 1 -2) }}",
        ),
        (
            "%v",
            vec![Value::int(3)],
            "3",
            "{{ printf \"%v\" (int 3) }}",
        ),
        (
            "%#v",
            vec![Value::int(3)],
            "3",
            "{{ printf \"%#v\" (atoi \"3\") }}",
        ),
        (
            "%T %T %T",
            vec![Value::int64(3), Value::int(1), Value::int64(3)],
            "int64 int int64",
            "{{ printf \"%T %T %T\" (add 1 2) (len \"a\") (mul 1.5 2) }}",
        ),
        (
            "%v",
            vec![Value::Float(3.0)],
            "3",
            "{{ printf \"%v\" (mulf 1.5 2) }}",
        ),
        (
            "%T",
            vec![Value::Float(3.0)],
            "float64",
            "{{ printf \"%T\" (float64 3) }}",
        ),
        (
            "%w",
            vec![Value::list(vec![Value::int(1)])],
            "%!w([]interface {}=[1])",
            "{{ printf \"%w\" (list 1) }}",
        ),
        (
            "%w",
            vec![Value::int(1)],
            "%!w(int=1)",
            "{{ printf \"%w\" 1 }}",
        ),
        (
            "%s",
            vec![bytes()],
            "hi\u{e9}",
            "{{ printf \"%s\" (.Files.GetBytes \"a.bin\") }}",
        ),
        (
            "%q",
            vec![Value::Bytes(Arc::from(&b"x\ty"[..]))],
            "\"x\\ty\"",
            "{{ printf \"%q\" (.Files.GetBytes \"b.bin\") }}",
        ),
        (
            "%.0d|%5.0d|%-5.0x|%+.0d",
            vec![Value::int(0), Value::int(0), Value::int(0), Value::int(0)],
            "|     |     |",
            "{{ printf \"%.0d|%5.0d|%-5.0x|%+.0d\" 0 0 0 0 }}",
        ),
        (
            "%#o|%#.3o|%#5o|%#05o|%#b|%O|%#O",
            vec![Value::int(0), Value::int(8), Value::int(8), Value::int(8), Value::int(0), Value::int(-8), Value::int(8)],
            "0|010|  010|00010|0b0|-0o10|0o010",
            "{{ printf \"%#o|%#.3o|%#5o|%#05o|%#b|%O|%#O\" 0 8 8 8 0 -8 8 }}",
        ),
        (
            "%#08x|%08X|%-#8x|%+x|% x|%x",
            vec![Value::int(255), Value::int(255), Value::int(255), Value::int(255), Value::int(255), Value::int(-255)],
            "0x000000ff|000000FF|0xff    |+ff| ff|-ff",
            "{{ printf \"%#08x|%08X|%-#8x|%+x|% x|%x\" 255 255 255 255 255 -255 }}",
        ),
        (
            "%c|%5c|%-3c|%c",
            vec![Value::int(65), Value::int(233), Value::int(66), Value::int(-1)],
            "A|    \u{e9}|B  |\u{fffd}",
            "{{ printf \"%c|%5c|%-3c|%c\" 65 233 66 -1 }}",
        ),
        (
            "%U|%#U|%#10U|%-10U|%#.8U|%#U",
            vec![Value::int(128512), Value::int(128512), Value::int(65), Value::int(65), Value::int(65), Value::int(10)],
            "U+1F600|U+1F600 '\u{1f600}'|U+0041 'A'|U+0041    |U+00000041 'A'|U+000A",
            "{{ printf \"%U|%#U|%#10U|%-10U|%#.8U|%#U\" 128512 128512 65 65 65 10 }}",
        ),
        (
            "%q|%#q|%+q|%#+q|%10q|%-10q|",
            vec![Value::int(128512), Value::int(128512), Value::int(128512), Value::int(10), Value::int(65), Value::int(65)],
            "'\u{1f600}'|'\u{1f600}'|'\\U0001f600'|'\\n'|       'A'|'A'       |",
            "{{ printf \"%q|%#q|%+q|%#+q|%10q|%-10q|\" 128512 128512 128512 10 65 65 }}",
        ),
        (
            "%#s|%#v|%+s|%x|%X|% X|%#x",
            vec![Value::str("ab"), Value::str("a`b"), Value::str("\u{e9}"), Value::str("\u{e9}"), Value::str("\u{e9}"), Value::str("\u{e9}"), Value::str("")],
            "ab|\"a`b\"|\u{e9}|c3a9|C3A9|C3 A9|",
            "{{ printf \"%#s|%#v|%+s|%x|%X|% X|%#x\" \"ab\" \"a`b\" \"\u{e9}\" \"\u{e9}\" \"\u{e9}\" \"\u{e9}\" \"\" }}",
        ),
        (
            "%5.1s|%-5.3q|%.0s|%.0q|%.1x",
            vec![Value::str("abc"), Value::str("abc"), Value::str("abc"), Value::str("abc"), Value::str("abc")],
            "    a|\"abc\"||\"\"|61",
            "{{ printf \"%5.1s|%-5.3q|%.0s|%.0q|%.1x\" \"abc\" \"abc\" \"abc\" \"abc\" \"abc\" }}",
        ),
        (
            "%#q",
            vec![Value::str("a\u{7f}b")],
            "\"a\\x7fb\"",
            "{{ printf \"%#q\" \"a\\u007fb\" }}",
        ),
        (
            "%6.2f|%-8.3e|%+.1g|% .2f|%08.2f|%-08.2f|%+08.2f|% 08.2f|%8.3g|%#8.3g",
            vec![Value::Float(3.14159), Value::Float(3.14159), Value::Float(3.14159), Value::Float(3.14159), Value::Float(-3.14159), Value::Float(3.14159), Value::Float(3.14159), Value::Float(3.14159), Value::Float(1234.5678), Value::Float(1.0)],
            "  3.14|3.142e+00|+3| 3.14|-0003.14|3.14    |+0003.14| 0003.14|1.23e+03|    1.00",
            "{{ printf \"%6.2f|%-8.3e|%+.1g|% .2f|%08.2f|%-08.2f|%+08.2f|% 08.2f|%8.3g|%#8.3g\" 3.14159 3.14159 3.14159 3.14159 -3.14159 3.14159 3.14159 3.14159 1234.5678 1.0 }}",
        ),
        (
            "%v|%.1v|%#v|%+v|% v|%08v|%-8v|%8.3v",
            vec![Value::Float(2.5), Value::Float(2.5), Value::Float(2.5), Value::Float(2.5), Value::Float(2.5), Value::Float(2.5), Value::Float(2.5), Value::Float(3.14159)],
            "2.5|2|2.5|2.5| 2.5|000002.5|2.5     |    3.14",
            "{{ printf \"%v|%.1v|%#v|%+v|% v|%08v|%-8v|%8.3v\" 2.5 2.5 2.5 2.5 2.5 2.5 2.5 3.14159 }}",
        ),
        (
            "%t|%5t|%-6t|%v|%#v|%q",
            vec![Value::Bool(true), Value::Bool(false), Value::Bool(true), Value::Bool(false), Value::Bool(true), Value::Bool(true)],
            "true|false|true  |false|true|%!q(bool=true)",
            "{{ printf \"%t|%5t|%-6t|%v|%#v|%q\" true false true false true true }}",
        ),
        (
            "%v|%#v|%T|%d|%x|%c|%q|%U|%08b",
            vec![Value::int64(-42), Value::int64(-42), Value::int64(-42), Value::int64(-42), Value::int64(-42), Value::int64(65), Value::int64(65), Value::int64(65), Value::int64(5)],
            "-42|-42|int64|-42|-2a|A|'A'|U+0041|00000101",
            "{{ printf \"%v|%#v|%T|%d|%x|%c|%q|%U|%08b\" (int64 -42) (int64 -42) (int64 -42) (int64 -42) (int64 -42) (int64 65) (int64 65) (int64 65) (int64 5) }}",
        ),
        (
            "%d %d %d %d %d %d",
            vec![Value::int(1), Value::int(2)],
            "1 2 %!d(MISSING) %!d(MISSING) %!d(MISSING) %!d(MISSING)",
            "{{ printf \"%d %d %d %d %d %d\" 1 2 }}",
        ),
        (
            "%!%d",
            vec![Value::int(1)],
            "%!!(int=1)%!d(MISSING)",
            "{{ printf \"%!%d\" 1 }}",
        ),
    ]);
}

#[test]
fn printf_oracle_5() {
    check(vec![
        (
            "%5%|%-5%|%05%",
            vec![],
            "%|%|%",
            "{{ printf \"%5%|%-5%|%05%\" }}",
        ),
        (
            "%[1]*d",
            vec![Value::int(4)],
            "%!d(MISSING)",
            "{{ printf \"%[1]*d\" 4 }}",
        ),
        (
            "%[2]*[1]d|%[2]*[1]d",
            vec![Value::int(12), Value::int(5)],
            "   12|   12",
            "{{ printf \"%[2]*[1]d|%[2]*[1]d\" 12 5 }}",
        ),
        (
            "%.[2]*[1]f",
            vec![Value::Float(3.14159), Value::int(2)],
            "3.14",
            "{{ printf \"%.[2]*[1]f\" 3.14159 2 }}",
        ),
        (
            "%[2]v %[1]v %v",
            vec![Value::int(1), Value::int(2)],
            "2 1 2",
            "{{ printf \"%[2]v %[1]v %v\" 1 2 }}",
        ),
        (
            "%[5]d",
            vec![Value::int(1), Value::int(2)],
            "%!d(BADINDEX)",
            "{{ printf \"%[5]d\" 1 2 }}",
        ),
        (
            "%[1]d %[1]",
            vec![Value::int(1)],
            "1 %!(NOVERB)",
            "{{ printf \"%[1]d %[1]\" 1 }}",
        ),
        (
            "%[1",
            vec![Value::int(1)],
            "%!(NOVERB)",
            "{{ printf \"%[1\" 1 }}",
        ),
        (
            "%[1x",
            vec![Value::int(1)],
            "%!x(BADINDEX)",
            "{{ printf \"%[1x\" 1 }}",
        ),
        (
            "%[]d",
            vec![Value::int(1)],
            "%!d(BADINDEX)",
            "{{ printf \"%[]d\" 1 }}",
        ),
        (
            "%-+ #0d",
            vec![Value::int(5)],
            "+5",
            "{{ printf \"%-+ #0d\" 5 }}",
        ),
        (
            "%.*d",
            vec![Value::int(1000001), Value::int(1)],
            "%!(BADPREC)1",
            "{{ printf \"%.*d\" 1000001 1 }}",
        ),
        (
            "%*.*d",
            vec![Value::int(5), Value::int(3), Value::int(7)],
            "  007",
            "{{ printf \"%*.*d\" 5 3 7 }}",
        ),
        (
            "%-*d|",
            vec![Value::int(-5), Value::int(3)],
            "3    |",
            "{{ printf \"%-*d|\" -5 3 }}",
        ),
        (
            "%*d",
            vec![Value::Float(1.5), Value::int(3)],
            "%!(BADWIDTH)3",
            "{{ printf \"%*d\" 1.5 3 }}",
        ),
        (
            "%*d",
            vec![Value::int64(3), Value::int(7)],
            "  7",
            "{{ printf \"%*d\" (int64 3) 7 }}",
        ),
        (
            "%v",
            vec![Value::list(vec![])],
            "[]",
            "{{ printf \"%v\" (list) }}",
        ),
        (
            "%v",
            vec![Value::empty_map()],
            "map[]",
            "{{ printf \"%v\" (dict) }}",
        ),
        (
            "%s",
            vec![Value::list(vec![Value::str("a"), Value::int(1)])],
            "[a %!s(int=1)]",
            "{{ printf \"%s\" (list \"a\" 1) }}",
        ),
        (
            "%6.2f",
            vec![Value::list(vec![Value::Float(1.5), Value::int(2)])],
            "[  1.50 %!f(int=    02)]",
            "{{ printf \"%6.2f\" (list 1.5 2) }}",
        ),
        (
            "%-4d|",
            vec![Value::list(vec![Value::int(1), Value::int(2)])],
            "[1    2   ]|",
            "{{ printf \"%-4d|\" (list 1 2) }}",
        ),
        (
            "%#v",
            vec![Value::list(vec![Value::list(vec![]), Value::empty_map()])],
            "[]interface {}{[]interface {}{}, map[string]interface {}{}}",
            "{{ printf \"%#v\" (list (list) (dict)) }}",
        ),
        (
            "%+v",
            vec![Value::list(vec![map(vec![(
                "a",
                Value::list(vec![Value::Nil]),
            )])])],
            "[map[a:[<nil>]]]",
            "{{ printf \"%+v\" (list (dict \"a\" (list nil))) }}",
        ),
        (
            "%T",
            vec![Value::list(vec![])],
            "[]interface {}",
            "{{ printf \"%T\" (list) }}",
        ),
        (
            "%v",
            vec![Value::list(vec![Value::str("a b"), Value::str("")])],
            "[a b ]",
            "{{ printf \"%v\" (list \"a b\" \"\") }}",
        ),
        (
            "%q",
            vec![map(vec![("k", Value::list(vec![Value::str("a")]))])],
            "map[\"k\":[\"a\"]]",
            "{{ printf \"%q\" (dict \"k\" (list \"a\")) }}",
        ),
        (
            "%x",
            vec![map(vec![("k", Value::Float(1.5))])],
            "map[6b:0x1.8p+00]",
            "{{ printf \"%x\" (dict \"k\" 1.5) }}",
        ),
    ]);
}

#[test]
fn print_println_oracle() {
    // {{ print (.Files.GetBytes "a.bin") }}
    assert_eq!(sprint(&[bytes()]), "[104 105 195 169]");
    // {{ print 1+2i }}
    assert_eq!(sprint(&[Value::Complex(1.0, 2.0)]), "(1+2i)");
    // {{ print "a" 1 2 "b" nil }}
    assert_eq!(
        sprint(&[
            Value::str("a"),
            Value::int(1),
            Value::int(2),
            Value::str("b"),
            Value::Nil
        ]),
        "a1 2b<nil>"
    );
    // {{ print 1 nil 2 }}
    assert_eq!(
        sprint(&[Value::int(1), Value::Nil, Value::int(2)]),
        "1 <nil> 2"
    );
    // {{ println 1 nil "a" 2.5 }}
    assert_eq!(
        sprintln(&[
            Value::int(1),
            Value::Nil,
            Value::str("a"),
            Value::Float(2.5)
        ]),
        "1 <nil> a 2.5\n"
    );
    // {{ print (list 1) (list 2) }}
    assert_eq!(
        sprint(&[
            Value::list(vec![Value::int(1)]),
            Value::list(vec![Value::int(2)])
        ]),
        "[1] [2]"
    );
    // {{ print "x" (list 2) }}
    assert_eq!(
        sprint(&[Value::str("x"), Value::list(vec![Value::int(2)])]),
        "x[2]"
    );
}
