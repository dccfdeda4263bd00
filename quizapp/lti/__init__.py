"""Quizapp as an LTI 1.3 tool (with LTI Advantage): a school's LMS launches its quizzes,
links its users and courses, and receives the grades. The protocol is ``pylti1p3``'s; this
package keeps what it needs in the database (platforms, keys, nonces, links) so that any
worker process can answer any step."""
