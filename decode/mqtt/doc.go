// Package mqtt reads clear-text MQTT control packets (3.1, 3.1.1 and 5.0):
// the fixed header of every packet, and what a person wants to know from
// the few that say something: CONNECT (client id, username, whether a
// password was sent), CONNACK (return code), PUBLISH (topic), SUBSCRIBE
// and UNSUBSCRIBE (topics). Parsing never panics, stays within its input
// and keeps at most MaxTopics topics of one packet; a packet cut short
// (by the snap length, or by a TCP segment boundary) still gives its
// fixed header and ErrShort.
package mqtt
