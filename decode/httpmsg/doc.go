// Package httpmsg parses HTTP/1.x messages out of the reassembled byte
// streams of a TCP connection (chunks from package stream): requests on the
// client side, responses on the server side, paired in order for
// keep-alive and pipelining. Bodies are de-chunked and, for gzip and
// deflate, decompressed under a size cap, so a zip bomb costs nothing.
// Data that is not HTTP stops the parser of that direction, never the
// program.
//
// It also describes the object a message carries (ObjectOf) and saves
// objects into a folder under sanitised, never-overwriting names (see
// Saver).
package httpmsg
