// Package config reads dbtwin.yaml strictly: unknown keys, wrong types and
// references to tables or columns the database does not have are errors that
// carry file:line:column and, where it helps, a "did you mean" suggestion.
// ${VAR} in any scalar is expanded from the environment; a missing variable is
// an error. Parse checks the file on its own; Validate checks it against a
// schema (tables, columns, relations); masking rules' parameters are checked
// by the mask package when the clone builds them.
package config
