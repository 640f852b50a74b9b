//! Integration tests of the server through its real router on real databases.

mod access;
mod auth;
mod backstage;
mod catalog;
mod catalog_pages;
mod catalog_query;
mod cli;
mod commit_cards;
mod commits;
mod common;
mod confine;
mod dashboards;
mod deploy_events;
mod errors;
mod health;
mod home;
mod jira_cards;
mod openapi;
mod pages;
mod palette;
mod personal;
mod platform;
mod process;
mod providers;
mod view_as;
mod widgets;
