package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"thingsniff/decode"
)

// followShortcut is Ctrl+Shift+F (Cmd+Shift+F on macOS), as in Wireshark.
func followShortcut() *desktop.CustomShortcut {
	return &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
}

// flowByID returns the latest copy of flow id that the flow table has.
func (u *UI) flowByID(id uint32) (decode.Flow, bool) {
	if k, ok := u.flows.pos[id]; ok {
		return u.flows.flows[k], true
	}
	return decode.Flow{}, false
}

// FollowFlow shows the conversation of flow id in the Stream tab.
func (u *UI) FollowFlow(id uint32) {
	if u.loaded == nil {
		return
	}
	f, ok := u.flowByID(id)
	if !ok {
		u.status.setError(fmt.Sprintf("Follow stream: there is no flow %d in this capture.", id))
		return
	}
	u.stream.loaded = u.loaded
	u.stream.follow(u.loaded, f)
	u.SelectTab(u.stream.tab)
}

// followSelected follows the flow of the packet chosen in the list.
func (u *UI) followSelected() {
	p := u.packets
	if u.loaded == nil || p.selected < 0 || p.selected >= u.loaded.Index.Len() {
		u.status.setMessage("Follow stream: choose a TCP or UDP packet first.")
		return
	}
	id := u.loaded.Index.At(p.selected).Flow
	if id == 0 {
		u.status.setMessage(fmt.Sprintf("Follow stream: packet %d belongs to no TCP or UDP flow.", p.selected+1))
		return
	}
	u.FollowFlow(id)
}

// canFollow says whether flow id carries a stream (TCP or UDP).
func (u *UI) canFollow(id uint32) bool {
	f, ok := u.flowByID(id)
	return ok && (f.Proto == decode.ProtoTCP || f.Proto == decode.ProtoUDP)
}
