//! Tables and wrapped text fitted to a width.
//!
//! A table's columns are sized to their content. The one flexible column
//! (the longest text, e.g. how access is granted) takes the width left and
//! wraps at spaces onto continuation lines. When that would leave it too
//! narrow, droppable columns go first (an id beside a name); if it is still
//! too narrow, it leaves the row and is printed under it, indented, with the
//! whole width; only then are other cells cut with `…`. Nothing of the
//! flexible text is ever lost. Widths count `char`s: the demo org and
//! JumpCloud's ids are ASCII, and names with wide characters only misalign,
//! never break.

use crate::output::{Keep, terminal_safe};

/// One column of a [`Table`].
#[derive(Clone, Debug)]
pub struct Column {
    header: &'static str,
    flex: bool,
    drop_rank: Option<u8>,
}

impl Column {
    /// A column sized to its content.
    pub fn new(header: &'static str) -> Self {
        Self {
            header,
            flex: false,
            drop_rank: None,
        }
    }

    /// The column that wraps when the row is too wide (one per table).
    pub fn flex(mut self) -> Self {
        self.flex = true;
        self
    }

    /// Left out when the row is too wide; lower ranks go first.
    pub fn droppable(mut self, rank: u8) -> Self {
        self.drop_rank = Some(rank);
        self
    }
}

/// Rows of cells under headers.
#[derive(Clone, Debug)]
pub struct Table {
    columns: Vec<Column>,
    rows: Vec<Vec<String>>,
}

/// Between two columns.
const GAP: usize = 2;
/// Droppable columns go when the flexible column would get less than this.
const KEEP_FLEX: usize = 30;
/// Where the flexible column's text starts when it goes under its row.
const STACK_INDENT: &str = "    ";
/// A cut cell keeps at least this much.
const MIN_CELL: usize = 3;

impl Table {
    /// A table with these columns and no rows.
    pub fn new(columns: Vec<Column>) -> Self {
        Self {
            columns,
            rows: Vec::new(),
        }
    }

    /// Adds a row; missing cells are empty, extra ones ignored.
    pub fn row(&mut self, cells: Vec<String>) {
        // Escaped before widths are measured, so the columns stay aligned.
        let cells = cells
            .into_iter()
            .map(|cell| terminal_safe(&cell, Keep::Nothing).into_owned())
            .collect();
        self.rows.push(cells);
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table as lines of at most `width` characters (trailing spaces
    /// trimmed), headers first.
    pub fn render(&self, width: usize) -> Vec<String> {
        self.render_with(width, true)
    }

    /// The table as [`Table::render`] draws it, but with every column: none
    /// is dropped to make room (output to a file or a pipe keeps the ids).
    pub fn render_every_column(&self, width: usize) -> Vec<String> {
        self.render_with(width, false)
    }

    fn render_with(&self, width: usize, drop_columns: bool) -> Vec<String> {
        let layout = self.layout(width, drop_columns);
        let headers: Vec<String> = self.columns.iter().map(|c| c.header.to_string()).collect();
        let mut lines = Vec::with_capacity(self.rows.len() + 1);
        for row in std::iter::once(&headers).chain(&self.rows) {
            layout.draw_row(row, width, &mut lines);
        }
        lines
    }

    /// Which columns show, and how wide, within `width`.
    fn layout(&self, width: usize, drop_columns: bool) -> Layout {
        let natural = self.natural_widths();
        let (shown, flex, stacked) = self.choose_columns(&natural, width, drop_columns);
        let widths = fit_widths(&natural, &shown, flex, width);
        Layout {
            shown,
            widths,
            flex,
            stacked,
        }
    }

    /// Each column's width with nothing cut: its widest cell or header.
    fn natural_widths(&self) -> Vec<usize> {
        (0..self.columns.len())
            .map(|c| {
                self.rows
                    .iter()
                    .map(|row| len(cell(row, c)))
                    .chain([len(self.columns[c].header)])
                    .max()
                    .unwrap_or(0)
            })
            .collect()
    }

    /// The columns left in the row, the flexible one if it stays there, and
    /// the flexible one if it goes under its row instead. While the
    /// flexible column would be left narrower than it wants (or, without
    /// one, while the row is too wide), droppable columns go, lowest rank
    /// first; if it is still cramped, it leaves the row.
    fn choose_columns(
        &self,
        natural: &[usize],
        width: usize,
        drop_columns: bool,
    ) -> (Vec<usize>, Option<usize>, Option<usize>) {
        let mut shown: Vec<usize> = (0..self.columns.len()).collect();
        let flex = shown.iter().copied().find(|&c| self.columns[c].flex);
        let cramped = |shown: &[usize]| -> bool {
            match flex {
                Some(f) => {
                    let others = total(shown, natural) - natural[f];
                    width.saturating_sub(others) < KEEP_FLEX.min(natural[f])
                }
                None => total(shown, natural) > width,
            }
        };
        let mut droppable: Vec<usize> = shown
            .iter()
            .copied()
            .filter(|&c| drop_columns && self.columns[c].drop_rank.is_some())
            .collect();
        droppable.sort_by_key(|&c| self.columns[c].drop_rank);
        for c in droppable {
            if !cramped(&shown) {
                break;
            }
            shown.retain(|&s| s != c);
        }
        match flex.filter(|_| cramped(&shown)) {
            Some(f) => {
                shown.retain(|&c| c != f);
                (shown, None, Some(f))
            }
            None => (shown, flex, None),
        }
    }
}

/// Which columns a rendering shows, and how wide.
struct Layout {
    /// The columns in the row, in order.
    shown: Vec<usize>,
    /// Each column's width (those of `shown` count).
    widths: Vec<usize>,
    /// The flexible column, when it stays in the row (and wraps there).
    flex: Option<usize>,
    /// The flexible column, when it goes under its row, indented, with the
    /// whole width.
    stacked: Option<usize>,
}

impl Layout {
    /// Appends one row's lines: the flexible cell wrapped, the others cut,
    /// and the stacked cell under them.
    fn draw_row(&self, row: &[String], width: usize, lines: &mut Vec<String>) {
        let cells: Vec<Vec<String>> = self
            .shown
            .iter()
            .map(|&c| {
                if Some(c) == self.flex {
                    wrap(cell(row, c), self.widths[c])
                } else {
                    vec![cut(cell(row, c), self.widths[c])]
                }
            })
            .collect();
        let height = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
        for i in 0..height {
            let mut line = String::new();
            for (k, &c) in self.shown.iter().enumerate() {
                if k > 0 {
                    line.push_str(&" ".repeat(GAP));
                }
                let text = cells[k].get(i).map_or("", String::as_str);
                line.push_str(text);
                line.push_str(&" ".repeat(self.widths[c].saturating_sub(len(text))));
            }
            lines.push(line.trim_end().to_string());
        }
        if let Some(f) = self.stacked {
            lines.extend(wrap_with(cell(row, f), width, STACK_INDENT, STACK_INDENT));
        }
    }
}

/// The width of the shown columns and the gaps between them.
fn total(shown: &[usize], widths: &[usize]) -> usize {
    shown.iter().map(|&c| widths[c]).sum::<usize>() + GAP * shown.len().saturating_sub(1)
}

/// Widths that fit `width`: the widest other cells are cut (to no less than
/// [`MIN_CELL`]) until the row fits, then the flexible column takes what is
/// left, at least one character and at most what it needs.
fn fit_widths(natural: &[usize], shown: &[usize], flex: Option<usize>, width: usize) -> Vec<usize> {
    let mut widths = natural.to_vec();
    if let Some(f) = flex {
        widths[f] = 0;
    }
    while total(shown, &widths) > width {
        let Some(&widest) = shown
            .iter()
            .filter(|&&c| Some(c) != flex && widths[c] > MIN_CELL)
            .max_by_key(|&&c| widths[c])
        else {
            break;
        };
        widths[widest] -= 1;
    }
    if let Some(f) = flex {
        widths[f] = width
            .saturating_sub(total(shown, &widths))
            .clamp(1, natural[f].max(1));
    }
    widths
}

/// A row's cell, empty when the row is short.
fn cell(row: &[String], c: usize) -> &str {
    row.get(c).map_or("", String::as_str)
}

fn len(text: &str) -> usize {
    text.chars().count()
}

/// `text` cut to `width` characters, ending with `…` when cut.
pub fn cut(text: &str, width: usize) -> String {
    if len(text) <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out: String = text.chars().take(width - 1).collect();
    out.push('…');
    out
}

/// `text` wrapped at spaces into lines of at most `width` characters; a word
/// longer than a line is split.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    wrap_with(text, width, "", "")
}

/// `text` wrapped into lines of at most `width` characters, the first
/// starting with `first`, the others with `rest` (indentation).
pub fn wrap_with(text: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first.to_string();
    let mut empty = true;
    let room = |prefix: &str| width.saturating_sub(len(prefix)).max(1);
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut word = word;
        loop {
            let prefix = if lines.is_empty() { first } else { rest };
            let used = len(&line);
            let need = len(word) + usize::from(!empty);
            if used + need <= width {
                if !empty {
                    line.push(' ');
                }
                line.push_str(word);
                empty = false;
                break;
            }
            if !empty {
                lines.push(std::mem::replace(&mut line, rest.to_string()));
                empty = true;
                continue;
            }
            // An empty line and the word still does not fit: split it.
            let take = room(prefix);
            let split = word.char_indices().nth(take).map_or(word.len(), |(i, _)| i);
            line.push_str(&word[..split]);
            word = &word[split..];
            lines.push(std::mem::replace(&mut line, rest.to_string()));
            if word.is_empty() {
                break;
            }
        }
    }
    if !empty || lines.is_empty() {
        lines.push(line);
    }
    lines
        .into_iter()
        .map(|l| l.trim_end().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        let mut t = Table::new(vec![
            Column::new("TYPE"),
            Column::new("NAME"),
            Column::new("ID").droppable(1),
            Column::new("GRANTED").flex(),
        ]);
        t.row(vec![
            "system".into(),
            "web-01".into(),
            "653000000000000000000004".into(),
            "direct; via user_group ops; via user_group engineering then system_group production-servers".into(),
        ]);
        t
    }

    #[test]
    fn a_table_that_fits_is_one_line_per_row() {
        let lines = table().render(200);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].starts_with("system  web-01  653000000000000000000004  direct;"));
    }

    #[test]
    fn too_wide_drops_droppable_columns_then_wraps_the_flexible_one() {
        for width in [100, 60, 40, 25, 20] {
            let lines = table().render(width);
            assert!(
                lines.iter().all(|l| l.chars().count() <= width),
                "{width}: {lines:#?}"
            );
            let text = lines.join(" ");
            assert!(
                text.contains("production-servers") || width < 40,
                "{width}: {lines:#?}"
            );
        }
        assert!(
            !table()
                .render(60)
                .join("\n")
                .contains("653000000000000000000004")
        );
        assert!(
            table()
                .render(120)
                .join("\n")
                .contains("653000000000000000000004")
        );
    }

    #[test]
    fn every_column_stays_when_asked_however_narrow() {
        let lines = table().render_every_column(60);
        assert!(lines.iter().all(|l| l.chars().count() <= 60), "{lines:#?}");
        assert!(lines[2].contains("653000000000000000000004"), "{lines:#?}");
        let whole = table().render_every_column(usize::MAX);
        assert_eq!(whole.len(), 2);
        assert!(whole[1].ends_with("production-servers"), "{whole:#?}");
    }

    #[test]
    fn when_still_cramped_the_flexible_column_goes_under_its_row() {
        let lines = table().render(40);
        assert_eq!(lines[0], "TYPE    NAME");
        assert_eq!(lines[1], "    GRANTED");
        assert_eq!(lines[2], "system  web-01");
        assert!(
            lines[3].starts_with("    direct; via user_group ops;"),
            "{lines:#?}"
        );
    }

    #[test]
    fn wrapping_keeps_every_word_and_splits_only_overlong_ones() {
        let text = "remove user ada from user_group ops {\"id\":\"651000000000000000000001\"}";
        for width in [10, 20, 40, 80] {
            let lines = wrap_with(text, width, "  ", "    ");
            assert!(
                lines.iter().all(|l| l.chars().count() <= width),
                "{lines:#?}"
            );
            let joined: String = lines.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
            assert_eq!(joined.replace(' ', ""), text.replace(' ', ""));
        }
        assert_eq!(wrap("", 10), vec![String::new()]);
    }

    #[test]
    fn cut_marks_what_it_removed() {
        assert_eq!(cut("with-password", 8), "with-pa…");
        assert_eq!(cut("ok", 8), "ok");
    }
}
