//! Gathers a streamed page's frames into fewer, larger writes. Leptos streams a page as many
//! small frames (the shell, each card's chunk, the resolved data scripts); hyper writes each
//! frame it is handed, so a page whose cards are all ready went out in several `writev` calls
//! and TCP segments. [`Coalesced`] passes on, at once, everything the page's stream has ready
//! (up to [`MAX_FRAME`] bytes): when the stream would wait (a card still loading), what is
//! gathered goes out first, so nothing already rendered waits for a slow card.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use bytes::{Bytes, BytesMut};
use http_body::Frame;

/// The most bytes gathered into one frame.
pub const MAX_FRAME: usize = 64 * 1024;

/// Middleware: streamed HTML answers (no `content-length`) go out through [`Coalesced`].
pub async fn coalesce_html(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if !crate::web::is_html(response.headers())
        || response.headers().contains_key(header::CONTENT_LENGTH)
    {
        return response;
    }
    response.map(|body| Body::new(Coalesced::new(body)))
}

/// A body passing on its inner body's ready frames as one.
pub struct Coalesced {
    inner: Body,
    gathered: BytesMut,
    /// A trailers frame that came after gathered data (sent next).
    held: Option<Frame<Bytes>>,
    ended: bool,
}

impl Coalesced {
    /// `inner`, coalesced.
    pub fn new(inner: Body) -> Self {
        Self {
            inner,
            gathered: BytesMut::new(),
            held: None,
            ended: false,
        }
    }

    fn take(&mut self) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Poll::Ready(Some(Ok(Frame::data(self.gathered.split().freeze()))))
    }
}

impl http_body::Body for Coalesced {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        if let Some(frame) = this.held.take() {
            return Poll::Ready(Some(Ok(frame)));
        }
        while !this.ended {
            match Pin::new(&mut this.inner).poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                    Ok(data) if this.gathered.is_empty() && data.len() >= MAX_FRAME => {
                        return Poll::Ready(Some(Ok(Frame::data(data))));
                    }
                    Ok(data) => {
                        this.gathered.extend_from_slice(&data);
                        if this.gathered.len() >= MAX_FRAME {
                            return this.take();
                        }
                    }
                    Err(trailers) if this.gathered.is_empty() => {
                        return Poll::Ready(Some(Ok(trailers)));
                    }
                    Err(trailers) => {
                        this.held = Some(trailers);
                        return this.take();
                    }
                },
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(None) => this.ended = true,
                Poll::Pending if this.gathered.is_empty() => return Poll::Pending,
                Poll::Pending => return this.take(),
            }
        }
        if this.gathered.is_empty() {
            Poll::Ready(None)
        } else {
            this.take()
        }
    }

    fn is_end_stream(&self) -> bool {
        self.ended && self.gathered.is_empty() && self.held.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    /// Frames as `poll_frame` hands them out.
    async fn frames(body: Coalesced) -> Vec<Vec<u8>> {
        frames_of(http_body_util::BodyStream::new(body)).await
    }

    #[tokio::test]
    async fn ready_frames_go_as_one_and_a_wait_sends_what_is_gathered() {
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(8);
        for part in ["<html>", "<p>a</p>", "<p>b</p>"] {
            tx.send(Ok(Bytes::from(part))).await.expect("send");
        }
        let body = Body::from_stream(tokio_stream_of(rx));
        let mut stream = http_body_util::BodyStream::new(Coalesced::new(body));
        let first = stream.next().await.expect("frame").expect("ok");
        assert_eq!(
            first.into_data().ok().as_deref(),
            Some(&b"<html><p>a</p><p>b</p>"[..])
        );
        tx.send(Ok(Bytes::from("<p>late</p>"))).await.expect("send");
        drop(tx);
        let rest: Vec<_> = frames_of(stream).await;
        assert_eq!(rest, vec![b"<p>late</p>".to_vec()]);
    }

    #[tokio::test]
    async fn large_pages_are_cut_at_the_limit() {
        let parts: Vec<Result<Bytes, std::io::Error>> = (0..5)
            .map(|_| Ok(Bytes::from(vec![b'x'; MAX_FRAME / 2])))
            .collect();
        let body = Body::from_stream(futures_util::stream::iter(parts));
        let sizes: Vec<usize> = frames(Coalesced::new(body))
            .await
            .iter()
            .map(Vec::len)
            .collect();
        assert_eq!(sizes, vec![MAX_FRAME, MAX_FRAME, MAX_FRAME / 2]);
    }

    fn tokio_stream_of(
        mut rx: tokio::sync::mpsc::Receiver<Result<Bytes, std::io::Error>>,
    ) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
        futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
    }

    async fn frames_of(mut stream: http_body_util::BodyStream<Coalesced>) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        while let Some(frame) = stream.next().await {
            if let Ok(data) = frame.expect("frame").into_data() {
                out.push(data.to_vec());
            }
        }
        out
    }
}
