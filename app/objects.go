package app

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"thingsniff/capture"
	"thingsniff/decode"
	"thingsniff/decode/httpmsg"
	"thingsniff/decode/stream"
)

const (
	// exportMaxBody is the body prefix kept in memory per message while
	// objects are listed or exported: bodies go to disk as they arrive,
	// and only a content-coded body up to this size is decompressed
	// before it is written.
	exportMaxBody = 4 << 20
	// exportBodyBudget caps the body bytes all flows keep in memory at
	// once; a body beyond it is still streamed to disk whole, but a
	// content-coded one is then saved as sent.
	exportBodyBudget = 64 << 20
	// maxOpenObjects caps the object files open at once: a capture with
	// thousands of bodies in progress together must not run out of file
	// descriptors. The least recently written is closed and opened again
	// when its next bytes come.
	maxOpenObjects = 64
)

// HTTPObject is one HTTP body of a capture, as Wireshark's Export Objects
// lists it. Flow, Message.IsRequest and Message.Index together name it
// across passes over the same capture (see ObjectKey).
type HTTPObject struct {
	// Flow is the flow that carried it.
	Flow uint32
	httpmsg.Object
	// SavedAs is the file name used inside the export folder, "" when the
	// object was not saved.
	SavedAs string
	// Note says how the saved bytes differ from the decoded body (a
	// content-coded body too big to decompress in memory is saved as
	// sent), or "".
	Note string
	// Failed says why the object could not be saved (it was skipped and
	// the export went on), or "".
	Failed string
}

// ObjectKey names an object across passes over one capture.
type ObjectKey struct {
	Flow    uint32
	Request bool
	Index   int
}

// Key returns the object's key.
func (o *HTTPObject) Key() ObjectKey {
	return ObjectKey{Flow: o.Flow, Request: o.Message.IsRequest, Index: o.Message.Index}
}

// objFile is the file a body is streamed into. f is nil while it is
// closed to spare file descriptors (see maxOpenObjects).
type objFile struct {
	f      *os.File
	name   string
	n      int64
	used   uint64 // when it was last written, in writes of the scan
	failed string // why it could not be written; nothing more is tried
}

// objFlow is the HTTP state of one TCP flow.
type objFlow struct {
	fw    *follower
	conv  *httpmsg.Conversation
	files map[*httpmsg.Message]*objFile // nil value: seen, not chosen
}

// objectScan finds the HTTP objects of many flows in one pass over the
// packets, streaming the chosen bodies into a Saver.
type objectScan struct {
	saver *httpmsg.Saver
	// names names the objects of a listing (no saver) as the saver would
	// name them in an empty folder, in the same order: at their first
	// body bytes.
	names  *httpmsg.Namer
	choose func(HTTPObject) bool
	cfg    stream.Config
	bodies *stream.Budget
	flows  map[uint32]*objFlow
	dead   map[uint32]bool
	open   []*objFile // the object files open now, at most maxOpenObjects
	writes uint64
	found  []HTTPObject
	err    error
}

func newObjectScan(saver *httpmsg.Saver, choose func(HTTPObject) bool) *objectScan {
	return &objectScan{saver: saver, choose: choose, names: httpmsg.NewNamer(),
		// Conflicting retransmissions do not matter here; the shared
		// budget caps what all flows buffer together.
		cfg:    stream.Config{History: -1, Budget: stream.NewBudget(0)},
		bodies: stream.NewBudget(exportBodyBudget),
		flows:  map[uint32]*objFlow{}, dead: map[uint32]bool{}}
}

// packet takes one packet of TCP flow id, with p.ToServer set.
func (s *objectScan) packet(id uint32, p *decode.Packet) error {
	if s.err != nil {
		return s.err
	}
	if s.dead[id] {
		return nil
	}
	st := s.flows[id]
	if st == nil {
		st = &objFlow{files: map[*httpmsg.Message]*objFile{}}
		cfg := httpmsg.Config{MaxBody: exportMaxBody, Budget: s.bodies}
		cfg.OnBody = func(m *httpmsg.Message, b []byte) { s.body(id, st, m, b) }
		st.conv = httpmsg.NewConversation(cfg, func(m *httpmsg.Message) error { return s.done(id, st, m) })
		fw, err := newFollower(decode.ProtoTCP, s.cfg, st.conv.Chunk)
		if err != nil {
			return err
		}
		st.fw = fw
		s.flows[id] = st
	}
	if err := st.fw.add(p); err != nil {
		s.fail(fmt.Errorf("export HTTP objects: flow %d: %w", id, err))
		return s.err
	}
	if s.err == nil && st.conv.Stopped(stream.ClientToServer) != nil && st.conv.Stopped(stream.ServerToClient) != nil {
		// Neither side speaks HTTP (any more): stop reassembling it.
		s.drop(id, st)
	}
	return s.err
}

// end finishes flow id: what the reassembler and the parser hold is
// handed on, and later packets of the flow are ignored.
func (s *objectScan) end(id uint32) error {
	st := s.flows[id]
	if st == nil || s.err != nil {
		return s.err
	}
	if err := st.fw.close(); err != nil {
		s.fail(fmt.Errorf("export HTTP objects: flow %d: %w", id, err))
	}
	if err := st.conv.Close(); err != nil {
		s.fail(fmt.Errorf("export HTTP objects: flow %d: %w", id, err))
	}
	s.drop(id, st)
	return s.err
}

// finish ends every flow still open.
func (s *objectScan) finish() ([]HTTPObject, error) {
	// In flow order, so that the list comes out the same every time.
	for _, id := range slices.Sorted(maps.Keys(s.flows)) {
		s.end(id)
	}
	for id, st := range s.flows {
		s.drop(id, st)
	}
	return s.found, s.err
}

func (s *objectScan) drop(id uint32, st *objFlow) {
	for m, of := range st.files {
		if of != nil {
			s.closeFile(of)
		}
		m.Release()
	}
	delete(s.flows, id)
	s.dead[id] = true
}

func (s *objectScan) fail(err error) {
	if s.err == nil {
		s.err = err
	}
}

// body streams body bytes of m into its file, choosing at the first bytes
// whether it is saved at all.
func (s *objectScan) body(id uint32, st *objFlow, m *httpmsg.Message, b []byte) {
	if s.err != nil {
		return
	}
	of, seen := st.files[m]
	if !seen {
		// Name, host and path are known from the head; size and last
		// packet are not yet.
		o := objectOfHead(m)
		o.Size, o.Packet = 0, 0
		if s.choose != nil && !s.choose(HTTPObject{Flow: id, Object: o}) {
			st.files[m] = nil
			return
		}
		of = &objFile{}
		st.files[m] = of
		if s.saver == nil {
			of.name = s.names.Name(o.Name)
			return
		}
		f, name, err := s.saver.Create(o.Name)
		of.name = name
		if err != nil {
			of.failed = err.Error()
			return
		}
		s.opened(of, f)
	}
	if of == nil || of.failed != "" || s.saver == nil {
		return
	}
	if err := s.write(of, b); err != nil {
		of.failed = err.Error()
		s.closeFile(of)
	}
}

// objectOfHead is the object m's head describes, whatever its body holds
// (none yet, or none kept).
func objectOfHead(m *httpmsg.Message) httpmsg.Object {
	probe := *m
	probe.Body = []byte{0}
	o, _ := httpmsg.ObjectOf(&probe)
	o.Message = m
	return o
}

// reopen opens the object's file again if it was closed to spare file
// descriptors.
func (s *objectScan) reopen(of *objFile) error {
	if of.f != nil {
		return nil
	}
	f, err := s.saver.Open(of.name)
	if err != nil {
		return err
	}
	s.opened(of, f)
	return nil
}

// write appends b to the object's file.
func (s *objectScan) write(of *objFile, b []byte) error {
	if err := s.reopen(of); err != nil {
		return err
	}
	s.writes++
	of.used = s.writes
	n, err := of.f.WriteAt(b, of.n)
	of.n += int64(n)
	if err != nil {
		return fmt.Errorf("write %q: %w", of.name, err)
	}
	return nil
}

// opened counts f among the open object files, closing the least recently
// written one first when maxOpenObjects are open.
func (s *objectScan) opened(of *objFile, f *os.File) {
	if len(s.open) >= maxOpenObjects {
		oldest := s.open[0]
		for _, o := range s.open[1:] {
			if o.used < oldest.used {
				oldest = o
			}
		}
		if err := s.closeFile(oldest); err != nil && oldest.failed == "" {
			oldest.failed = err.Error()
		}
	}
	s.writes++
	of.f, of.used = f, s.writes
	s.open = append(s.open, of)
}

// closeFile closes the object's file if it is open.
func (s *objectScan) closeFile(of *objFile) error {
	if of.f == nil {
		return nil
	}
	err := of.f.Close()
	of.f = nil
	for i, o := range s.open {
		if o == of {
			s.open = slices.Delete(s.open, i, i+1)
			break
		}
	}
	if err != nil {
		return fmt.Errorf("close %q: %w", of.name, err)
	}
	return nil
}

// done records a complete message that carries an object, finishing its
// file: a content-coded body that was decompressed whole replaces the
// bytes as sent. An object that could not be saved is listed with why,
// its partial file removed; the scan goes on.
func (s *objectScan) done(id uint32, st *objFlow, m *httpmsg.Message) error {
	defer m.Release() // the list need not hold bodies; they can be followed again
	of := st.files[m]
	delete(st.files, m)
	o, ok := httpmsg.ObjectOf(m)
	if !ok && of == nil {
		return nil
	}
	if !ok {
		o = objectOfHead(m)
	}
	obj := HTTPObject{Flow: id, Object: o}
	obj.Size = int64(len(m.Body))
	if m.BodyTruncated {
		obj.Size = m.BodySize
	}
	switch {
	case of != nil && s.saver == nil:
		obj.Name = of.name
	case of != nil:
		s.finishFile(of, m, &obj)
	}
	s.found = append(s.found, obj)
	return s.err
}

// finishFile completes an object's file and fills in what obj says of it.
func (s *objectScan) finishFile(of *objFile, m *httpmsg.Message, obj *HTTPObject) {
	coded := contentCoded(m.ContentEncoding)
	if of.failed == "" {
		switch {
		case coded && m.BodyError == "" && !m.BodyTruncated && m.BodyMissing == 0:
			if err := s.rewrite(of, m.Body); err != nil {
				of.failed = err.Error()
			}
		case coded:
			obj.Note = "saved as sent (" + m.ContentEncoding + "): could not be decompressed whole"
		}
	}
	if err := s.closeFile(of); err != nil && of.failed == "" {
		of.failed = err.Error()
	}
	if of.failed != "" {
		obj.Failed, obj.Note = of.failed, ""
		if of.name != "" {
			s.saver.Remove(of.name)
		}
		return
	}
	obj.SavedAs, obj.Size = of.name, of.n
}

// contentCoded reports whether a Content-Encoding value names a coding
// other than identity.
func contentCoded(v string) bool {
	for c := range strings.SplitSeq(v, ",") {
		if c = strings.TrimSpace(c); c != "" && !strings.EqualFold(c, "identity") {
			return true
		}
	}
	return false
}

// rewrite replaces a file's content with body.
func (s *objectScan) rewrite(of *objFile, body []byte) error {
	if err := s.reopen(of); err != nil {
		return err
	}
	if err := of.f.Truncate(0); err != nil {
		return fmt.Errorf("write %q: %w", of.name, err)
	}
	if _, err := of.f.WriteAt(body, 0); err != nil {
		return fmt.Errorf("write %q: %w", of.name, err)
	}
	of.n = int64(len(body))
	return nil
}

// tcpFlowsOf returns the TCP flows of l: flows as given, or the engine's
// once the load has finished.
func tcpFlowsOf(l *Loaded, flows []decode.Flow) map[uint32]decode.Flow {
	out := map[uint32]decode.Flow{}
	if flows == nil {
		l.Wait()
		for _, f := range l.Engine().Flows() {
			if f.Proto == decode.ProtoTCP {
				out[f.ID] = *f
			}
		}
		return out
	}
	for _, f := range flows {
		if f.Proto == decode.ProtoTCP {
			out[f.ID] = f
		}
	}
	return out
}

// scanLoaded runs an objectScan over the TCP flows of l in one pass over
// the index, re-reading only those flows' packets.
func scanLoaded(ctx context.Context, l *Loaded, flows []decode.Flow, s *objectScan) ([]HTTPObject, error) {
	tcp := tcpFlowsOf(l, flows)
	if len(tcp) == 0 {
		return nil, nil
	}
	start := l.Index.Len()
	for _, f := range tcp {
		start = min(start, max(int(f.FirstPacket)-1, 0))
	}
	parser := decode.NewParser()
	var (
		pkt decode.Packet
		buf []byte
	)
	n := l.Index.Len()
	for i := start; i < n; i++ {
		if (i-start)%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				s.fail(fmt.Errorf("export HTTP objects: %w", err))
				break
			}
		}
		ix := l.Index.At(i)
		f, ok := tcp[ix.Flow]
		if !ok || s.dead[ix.Flow] {
			continue
		}
		b, err := l.Store.ReadPacket(ix.Offset(), ix.CapLen, buf)
		if err != nil {
			s.fail(fmt.Errorf("export HTTP objects: read packet %d: %w", i+1, err))
			break
		}
		buf = b
		pkt.Num, pkt.Time, pkt.OrigLen = uint32(i+1), ix.Time, int(ix.OrigLen)
		parser.Decode(b, l.linkType(ix.Iface()), &pkt)
		pkt.Flow, pkt.ToServer = ix.Flow, f.FromClient(&pkt)
		if s.packet(ix.Flow, &pkt) != nil {
			break
		}
		if uint32(i+1) == f.LastPacket && s.end(ix.Flow) != nil {
			break
		}
	}
	return s.finish()
}

// ListObjects lists the HTTP objects of l's TCP flows (flows as the
// caller has them, or nil for the engine's once the load has finished)
// without saving anything. Size is the decoded body's size where it was
// decoded whole, else its size on the wire; Message.Body is not kept.
func ListObjects(ctx context.Context, l *Loaded, flows []decode.Flow) ([]HTTPObject, error) {
	return scanLoaded(ctx, l, flows, newObjectScan(nil, nil))
}

// ExportObjects saves the HTTP objects of l's TCP flows into the folder
// dir (flows as in ListObjects). choose, when not nil, is asked at each
// object's first body bytes, with its key, name, host, path and content
// type (Size and Packet are not known yet), whether to save it. Bodies of
// any size are streamed to disk; names are sanitised and unique, and
// nothing is written outside dir. It returns every object found, with
// SavedAs set for those saved.
func ExportObjects(ctx context.Context, l *Loaded, flows []decode.Flow, dir string, choose func(HTTPObject) bool) ([]HTTPObject, error) {
	saver, err := httpmsg.NewSaver(dir)
	if err != nil {
		return nil, err
	}
	objs, err := scanLoaded(ctx, l, flows, newObjectScan(saver, choose))
	if cerr := saver.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("export HTTP objects: %w", cerr)
	}
	return objs, err
}

// ScanObjects reads c once and lists its HTTP objects, saving them into
// dir (chosen by choose, as in ExportObjects) when dir is not "". It works
// on a pipe. A *capture.TruncatedError means every object before the cut
// was found.
func ScanObjects(c *capture.Capture, dir string, choose func(HTTPObject) bool) ([]HTTPObject, error) {
	var saver *httpmsg.Saver
	if dir != "" {
		var err error
		if saver, err = httpmsg.NewSaver(dir); err != nil {
			return nil, err
		}
		defer saver.Close()
	}
	s := newObjectScan(saver, choose)
	_, scanErr := Scan(c, nil, func(ix decode.Index, p *decode.Packet, f *decode.Flow) error {
		if f == nil || f.Proto != decode.ProtoTCP {
			return nil
		}
		if err := s.packet(f.ID, p); err != nil {
			return err
		}
		if f.State == decode.StateClosed || f.State == decode.StateReset {
			return s.end(f.ID)
		}
		return nil
	})
	objs, err := s.finish()
	if err == nil {
		err = scanErr
	}
	return objs, err
}
