//! The kept pages: served only to the same audience, dropped by a change, never kept from a
//! spoiled render or one a change raced.

use super::*;

fn person(name: &str) -> Identity {
    Identity {
        user_ref: format!("user:default/{name}"),
        display_name: name.to_string(),
        email: None,
        ownership_refs: vec![format!("user:default/{name}")],
        groups: Vec::new(),
        admin: false,
        guest: false,
    }
}

fn audience(name: &str) -> Audience {
    Audience {
        viewer: person(name),
        viewed: None,
        layout: Some(Arc::from("pull-requests\tPull requests\t0")),
    }
}

fn page(audience: &Audience, text: &'static str) -> Page {
    Page {
        audience: audience.clone(),
        headers: Vec::new(),
        body: vec![Bytes::from_static(text.as_bytes())],
        gzip: None,
    }
}

#[tokio::test]
async fn a_page_is_served_again_only_to_the_same_audience() {
    let pages = Pages::new(Duration::from_secs(60));
    let ann = audience("ann");
    assert!(pages.get(&ann).await.is_none());
    assert!(pages.keep(&pages.begin(), page(&ann, "ann's")).await);
    let found = pages.get(&ann).await.map(|p| p.body.clone());
    assert_eq!(found, Some(vec![Bytes::from_static(b"ann's")]));
    // Someone else, ann with another layout, ann in another group, an admin viewing as ann.
    assert!(pages.get(&audience("bob")).await.is_none());
    let relaid = Audience {
        layout: Some(Arc::from("jira\tJira\t0")),
        ..ann.clone()
    };
    assert!(pages.get(&relaid).await.is_none());
    let mut regrouped = ann.clone();
    regrouped
        .viewer
        .ownership_refs
        .push("group:default/new-team".into());
    assert!(pages.get(&regrouped).await.is_none());
    let admin_as_ann = Audience {
        viewer: person("root"),
        viewed: Some(person("ann")),
        layout: ann.layout.clone(),
    };
    assert!(pages.get(&admin_as_ann).await.is_none());
    assert_eq!(pages.counts(), (1, 5, 1));
}

#[tokio::test]
async fn a_change_drops_the_page_and_spoils_renders_under_way() {
    let pages = Pages::new(Duration::from_secs(60));
    let ann = audience("ann");
    pages.keep(&pages.begin(), page(&ann, "before")).await;
    let racing = pages.begin();
    pages.forget(ann.person()).await;
    assert!(pages.get(&ann).await.is_none(), "forgotten");
    assert!(
        !pages.keep(&racing, page(&ann, "stale")).await,
        "a render that began before the change is not kept"
    );
    // Another person's change spoils nothing of Ann's.
    let unrelated = pages.begin();
    pages.forget("user:default/bob").await;
    assert!(pages.keep(&unrelated, page(&ann, "still good")).await);
    pages.forget(ann.person()).await;
    let spoiled = pages.begin();
    spoiled.spoil();
    assert!(!pages.keep(&spoiled, page(&ann, "loading")).await);
    assert!(pages.get(&ann).await.is_none());
    assert!(pages.keep(&pages.begin(), page(&ann, "after")).await);
    assert!(pages.get(&ann).await.is_some());
}

#[tokio::test]
async fn pages_expire_and_can_be_turned_off() {
    let pages = Pages::new(Duration::from_millis(50));
    let ann = audience("ann");
    pages.keep(&pages.begin(), page(&ann, "soon old")).await;
    assert!(pages.get(&ann).await.is_some());
    tokio::time::sleep(Duration::from_millis(120)).await;
    assert!(pages.get(&ann).await.is_none(), "older than its TTL");
    let off = Pages::new(Duration::ZERO);
    assert!(!off.enabled());
    assert!(!off.keep(&off.begin(), page(&ann, "x")).await);
    assert!(off.get(&ann).await.is_none());
}

#[tokio::test]
async fn kept_pages_stay_within_their_byte_bound() {
    let pages = Pages::bounded(Duration::from_secs(60), 100_000);
    static BIG: [u8; 30_000] = [b'x'; 30_000];
    for i in 0..20 {
        let who = audience(&format!("p{i}"));
        let big = Page {
            audience: who.clone(),
            headers: Vec::new(),
            body: vec![Bytes::from_static(&BIG)],
            gzip: None,
        };
        pages.keep(&pages.begin(), big).await;
    }
    let kept = pages.kept_bytes().await;
    assert!(kept <= 100_000, "{kept} bytes kept");
    assert!(kept >= 30_000, "the latest pages are kept: {kept}");
}
