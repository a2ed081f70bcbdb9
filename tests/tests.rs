//! End-to-end tests of the spatia command line.

