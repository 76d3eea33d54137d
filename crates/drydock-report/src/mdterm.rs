//! Markdown (rule documentation, `drydock explain` topics) rendered for a terminal: headings
//! set off, paragraphs wrapped to the width, lists with bullets, code blocks indented, inline
//! code and emphasis styled when colour is on. Parsed with pulldown-cmark, so whatever
//! CommonMark the docs use renders, and raw HTML is shown as text.

use crate::util::clean;
use anstyle::{AnsiColor, Effects, Style};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

const BOLD: Style = Style::new().effects(Effects::BOLD);
const CODE: Style = AnsiColor::Cyan.on_default();
const HEAD: Style = AnsiColor::BrightWhite
    .on_default()
    .effects(Effects::BOLD.insert(Effects::UNDERLINE));

/// One word of a paragraph with the style it carries.
struct Word {
    text: String,
    style: Style,
}

struct Writer {
    color: bool,
    width: usize,
    out: String,
    words: Vec<Word>,
    /// A word is being built (no whitespace seen since its last piece).
    glue: bool,
    styles: Vec<Style>,
    /// Bullet (or number) stack of the open lists.
    lists: Vec<Option<u64>>,
    /// The next flushed line starts a list item.
    item_start: bool,
    in_code: bool,
    link: Vec<String>,
}

impl Writer {
    fn style(&self) -> Style {
        self.styles.last().copied().unwrap_or_default()
    }

    fn paint(&self, s: Style, t: &str) -> String {
        if self.color && s != Style::new() {
            format!("{s}{t}{s:#}")
        } else {
            t.to_string()
        }
    }

    fn push_text(&mut self, t: &str) {
        let style = self.style();
        let mut first = true;
        for piece in t.split(' ') {
            if !first {
                self.glue = false;
            }
            first = false;
            if piece.is_empty() {
                continue;
            }
            let piece = clean(piece).into_owned();
            match self.words.last_mut() {
                Some(w) if self.glue && w.style == style => w.text.push_str(&piece),
                Some(_) if self.glue => {
                    // Styled piece glued to the previous word (`**x**,`): keep as one word.
                    let prev = self.words.pop().unwrap();
                    let joined = format!(
                        "{}{}",
                        self.paint(prev.style, &prev.text),
                        self.paint(style, &piece)
                    );
                    self.words.push(Word {
                        text: joined,
                        style: Style::new(),
                    });
                }
                _ => self.words.push(Word { text: piece, style }),
            }
            self.glue = true;
        }
    }

    fn indent(&self) -> usize {
        self.lists.len() * 2
    }

    fn flush(&mut self) {
        if self.words.is_empty() {
            return;
        }
        let indent = self.indent();
        let mut prefix = " ".repeat(indent);
        if self.item_start {
            if let Some(kind) = self.lists.last_mut() {
                let bullet = match kind {
                    Some(n) => {
                        *n += 1;
                        format!("{}. ", *n - 1)
                    }
                    None => "• ".to_string(),
                };
                prefix = format!("{}{bullet}", " ".repeat(indent.saturating_sub(2)));
            }
            self.item_start = false;
        }
        let hang = " ".repeat(prefix.chars().count());
        let mut line = prefix;
        let mut len = line.chars().count();
        let start_len = len;
        for w in std::mem::take(&mut self.words) {
            let wl = visible_len(&w.text);
            if len > start_len && len + 1 + wl > self.width {
                self.out.push_str(line.trim_end());
                self.out.push('\n');
                line = hang.clone();
                len = line.len();
            } else if len > start_len {
                line.push(' ');
                len += 1;
            }
            line.push_str(&self.paint(w.style, &w.text));
            len += wl;
        }
        self.out.push_str(line.trim_end());
        self.out.push('\n');
        self.glue = false;
    }

    fn blank(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }
}

/// Length on screen, without ANSI escapes.
fn visible_len(s: &str) -> usize {
    let mut n = 0;
    let mut esc = false;
    for c in s.chars() {
        match (esc, c) {
            (false, '\u{1b}') => esc = true,
            (true, 'm') => esc = false,
            (true, _) => {}
            _ => n += 1,
        }
    }
    n
}

/// Render CommonMark for a terminal of `width` columns; ANSI styles only when `color`.
pub fn markdown_to_terminal(md: &str, color: bool, width: usize) -> String {
    let mut w = Writer {
        color,
        width: width.clamp(40, 200),
        out: String::new(),
        words: Vec::new(),
        glue: false,
        styles: Vec::new(),
        lists: Vec::new(),
        item_start: false,
        in_code: false,
        link: Vec::new(),
    };
    for ev in Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match ev {
            Event::Start(Tag::Heading { level, .. }) => {
                w.blank();
                w.styles.push(if level == HeadingLevel::H1 {
                    HEAD
                } else {
                    BOLD
                });
            }
            Event::End(TagEnd::Heading(level)) => {
                w.styles.pop();
                if level == HeadingLevel::H1 && !color {
                    let text: Vec<String> = w.words.iter().map(|x| x.text.clone()).collect();
                    let text = text.join(" ");
                    w.flush();
                    w.out.push_str(&"=".repeat(visible_len(&text)));
                    w.out.push('\n');
                } else {
                    w.flush();
                }
                w.blank();
            }
            Event::Start(Tag::Paragraph) if !w.item_start => w.blank(),
            Event::End(TagEnd::Paragraph) => {
                w.flush();
                if w.lists.is_empty() {
                    w.blank();
                }
            }
            Event::Start(Tag::List(first)) => {
                w.flush();
                if w.lists.is_empty() {
                    w.blank();
                }
                w.lists.push(first);
            }
            Event::End(TagEnd::List(_)) => {
                w.flush();
                w.lists.pop();
                if w.lists.is_empty() {
                    w.blank();
                }
            }
            Event::Start(Tag::Item) => {
                w.flush();
                w.item_start = true;
            }
            Event::End(TagEnd::Item) => w.flush(),
            Event::Start(Tag::CodeBlock(_)) => {
                w.flush();
                w.blank();
                w.in_code = true;
            }
            Event::End(TagEnd::CodeBlock) => {
                w.in_code = false;
                w.blank();
            }
            Event::Start(Tag::Emphasis) | Event::Start(Tag::Strong) => {
                let s = w.style().effects(Effects::BOLD);
                w.styles.push(s);
            }
            Event::End(TagEnd::Emphasis) | Event::End(TagEnd::Strong) => {
                w.styles.pop();
            }
            Event::Start(Tag::Link { dest_url, .. }) => w.link.push(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                if let Some(url) = w.link.pop() {
                    w.push_text(&format!(" <{url}>"));
                }
            }
            Event::Text(t) if w.in_code => {
                let indent = " ".repeat(w.indent() + 4);
                for line in t.lines() {
                    let l = clean(line).into_owned();
                    let painted = w.paint(CODE, &l);
                    w.out.push_str(&format!("{indent}{painted}\n"));
                }
            }
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => w.push_text(&t),
            Event::Code(t) => {
                let shown = if color {
                    t.to_string()
                } else {
                    format!("`{t}`")
                };
                w.styles.push(CODE);
                w.push_text(&shown);
                w.styles.pop();
            }
            Event::SoftBreak => w.glue = false,
            Event::HardBreak => w.flush(),
            Event::Rule => {
                w.flush();
                w.blank();
                w.out.push_str(&"─".repeat(w.width.min(60)));
                w.out.push('\n');
            }
            _ => {}
        }
    }
    w.flush();
    while w.out.ends_with("\n\n") {
        w.out.pop();
    }
    w.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_structure_without_markup() {
        let md = "# Title\n\nSome *text* with `code` and a [link](https://x.example).\n\n- one\n- two words here\n\n```sh\ndrydock scan .\n```\n";
        let out = markdown_to_terminal(md, false, 80);
        assert_eq!(
            out,
            "Title\n=====\n\nSome text with `code` and a link <https://x.example>.\n\n• one\n• two words here\n\n    drydock scan .\n"
        );
    }

    #[test]
    fn wraps_to_width_with_hanging_indent() {
        let md = "- aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo";
        let out = markdown_to_terminal(md, false, 40);
        for l in out.lines() {
            assert!(l.chars().count() <= 40, "{l:?}");
        }
        assert!(out.lines().nth(1).unwrap().starts_with("  "), "{out}");
    }

    #[test]
    fn control_characters_are_neutralised() {
        let out = markdown_to_terminal("a\u{1b}[31mred", true, 80);
        assert!(!out.contains("\u{1b}[31m"), "{out:?}");
    }
}
