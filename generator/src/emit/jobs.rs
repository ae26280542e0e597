//! Printing the Rust files of a crate on several threads. Each file is cut into jobs of a
//! few hundred pieces (types, operations' builders), printed wherever a thread is free and
//! joined in order: the text is the same as printed in one go (see [`layout`]).
//!
//! Tokens and syntax trees stay on the thread that made them (`proc_macro2` values cannot
//! move between threads); the model is shared, and each job makes its own tokens from it.

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

use proc_macro2::TokenStream;

use crate::emit::layout::{self, Spacing};

/// A Rust file to print: its head (inner attributes and the items that go first) and its
/// further items, made one piece at a time as the file is printed, so that the tokens and
/// syntax tree of a large file are never all alive at once.
pub struct RustFile<'a> {
    pub path: String,
    pub head: Box<dyn Fn() -> TokenStream + Sync + 'a>,
    /// How many pieces follow the head.
    pub pieces: usize,
    pub piece: Box<dyn Fn(usize) -> TokenStream + Sync + 'a>,
}

impl<'a> RustFile<'a> {
    /// A file printed from its head alone.
    pub fn whole(path: String, head: impl Fn() -> TokenStream + Sync + 'a) -> Self {
        RustFile {
            path,
            head: Box::new(head),
            pieces: 0,
            piece: Box::new(|_| TokenStream::new()),
        }
    }
}

/// Pieces per job: enough to keep the threads' overhead small, few enough to share a large
/// file between them.
const PIECES_PER_JOB: usize = 256;

/// Threads at most, the calling one included.
const MAX_THREADS: usize = 4;

/// A part of one file: the head with the first pieces, or later pieces.
struct Job {
    file: usize,
    pieces: Range<usize>,
}

/// What a job printed, and where the spacing of items stood after it.
type Printed = Result<(String, Spacing), String>;

/// The text of every file, `header` and a blank line first, in the order given; on a
/// failure, the first file's error (`path: message`).
pub fn print_all(files: &[RustFile<'_>], header: &str) -> Result<Vec<String>, String> {
    let mut jobs = Vec::new();
    for (index, file) in files.iter().enumerate() {
        let mut start = 0;
        loop {
            let end = (start + PIECES_PER_JOB).min(file.pieces);
            jobs.push(Job {
                file: index,
                pieces: start..end,
            });
            start = end;
            if start >= file.pieces {
                break;
            }
        }
    }
    let mut printed: Vec<Option<Printed>> = run(files, &jobs);
    let mut texts = Vec::with_capacity(files.len());
    let mut done = printed.iter_mut().zip(&jobs).peekable();
    for (index, file) in files.iter().enumerate() {
        let fail = |e: String| format!("{}: {e}", file.path);
        let mut text = format!("{header}\n");
        let mut spacing: Option<Spacing> = None;
        while let Some((result, job)) = done.next_if(|(_, job)| job.file == index) {
            let Some(result) = result.take() else {
                return Err(fail("a part of the file was not printed".to_string()));
            };
            let (part, after) = result.map_err(fail)?;
            spacing = Some(match spacing {
                None => {
                    text.push_str(&part);
                    after
                }
                Some(before) => match before.follow(&after) {
                    Some(joined) => {
                        text.push_str(&part);
                        joined
                    }
                    None => {
                        // The part began with a blank line it should not have: print it again.
                        let mut again = before;
                        layout::print_pieces(
                            &mut again,
                            job.pieces.clone().map(|i| (file.piece)(i)),
                            &mut text,
                        )
                        .map_err(fail)?;
                        again
                    }
                },
            });
        }
        texts.push(text);
    }
    Ok(texts)
}

/// Runs every job, on as many threads as the machine offers (up to [`MAX_THREADS`]).
fn run(files: &[RustFile<'_>], jobs: &[Job]) -> Vec<Option<Printed>> {
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(index) else {
                return done;
            };
            done.push((index, print_job(files, job)));
        }
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, MAX_THREADS)
        .min(jobs.len());
    let mut results: Vec<Option<Printed>> = jobs.iter().map(|_| None).collect();
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .name("generator-emit".to_string())
                    .stack_size(crate::STACK_SIZE)
                    .spawn_scoped(scope, work)
                    .ok()
            })
            .collect();
        let mut all = work();
        for helper in helpers {
            match helper.join() {
                Ok(done) => all.extend(done),
                // A bug: let the caller turn it into an error, as on the first thread.
                Err(payload) => std::panic::resume_unwind(payload),
            }
        }
        for (index, result) in all {
            if let Some(slot) = results.get_mut(index) {
                *slot = Some(result);
            }
        }
    });
    results
}

fn print_job(files: &[RustFile<'_>], job: &Job) -> Printed {
    let file = files
        .get(job.file)
        .ok_or_else(|| "no such file".to_string())?;
    let mut text = String::new();
    let mut spacing = if job.pieces.start == 0 {
        layout::print_head((file.head)(), &mut text)?
    } else {
        Spacing::continuing()
    };
    layout::print_pieces(
        &mut spacing,
        job.pieces.clone().map(|i| (file.piece)(i)),
        &mut text,
    )?;
    Ok((text, spacing))
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::{format_ident, quote};

    /// The file printed in one go, on this thread.
    fn in_one_go(file: &RustFile<'_>, header: &str) -> Result<String, String> {
        let mut text = format!("{header}\n");
        let mut spacing = layout::print_head((file.head)(), &mut text)?;
        layout::print_pieces(
            &mut spacing,
            (0..file.pieces).map(|i| (file.piece)(i)),
            &mut text,
        )?;
        Ok(text)
    }

    #[test]
    fn files_cut_into_jobs_print_as_in_one_go() -> Result<(), String> {
        let pieces = 3 * PIECES_PER_JOB + 5;
        let files = [
            // Structs: every item set off by a blank line.
            RustFile {
                path: "src/structs.rs".to_string(),
                head: Box::new(|| quote! { #![allow(dead_code)] }),
                pieces,
                piece: Box::new(|i| {
                    let name = format_ident!("S{i}");
                    quote! { pub struct #name; impl #name { fn a() {} fn b() {} } }
                }),
            },
            // Imports that continue the run of the job before: no blank line between jobs.
            RustFile {
                path: "src/uses.rs".to_string(),
                head: Box::new(|| quote! { use a::b; }),
                pieces,
                piece: Box::new(|i| {
                    let name = format_ident!("item{i}");
                    quote! { use m::#name; }
                }),
            },
            // Nothing before the first piece: no blank line at the top.
            RustFile {
                path: "src/bare.rs".to_string(),
                head: Box::new(TokenStream::new),
                pieces,
                piece: Box::new(|i| {
                    let name = format_ident!("f{i}");
                    quote! { fn #name() {} }
                }),
            },
            RustFile::whole("src/lib.rs".to_string(), || {
                quote! { //! Docs.
                mod a; }
            }),
        ];
        let printed = print_all(&files, "// header\n")?;
        assert_eq!(printed.len(), files.len());
        for (file, text) in files.iter().zip(&printed) {
            assert_eq!(text, &in_one_go(file, "// header\n")?, "{}", file.path);
        }
        assert!(printed.iter().all(|t| !t.contains("\n\n\n")));
        assert!(printed.get(1).is_some_and(|t| !t.contains(";\n\n")));
        Ok(())
    }
}
