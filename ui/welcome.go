package ui

import (
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// welcomeView is what the window shows with no capture open.
type welcomeView struct {
	u       *UI
	recent  *fyne.Container
	content fyne.CanvasObject
}

func newWelcomeView(u *UI) *welcomeView {
	v := &welcomeView{u: u, recent: container.NewVBox()}
	title := widget.NewLabelWithStyle("thingsniff", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	tagline := widget.NewLabel("See what the devices on your network say: open a pcap or pcapng file, or capture live, and get the packets, the flows, and the story of each device.")
	tagline.Wrapping = fyne.TextWrapWord
	tagline.Alignment = fyne.TextAlignCenter

	open := widget.NewButtonWithIcon("Open a capture…", theme.FolderOpenIcon(), u.openDialog)
	open.Importance = widget.HighImportance
	demo := widget.NewButtonWithIcon("Open the demo capture", theme.MediaPlayIcon(), u.OpenDemo)
	story := widget.NewLabel("A Blu-ray player behind a laptop's shared Wi-Fi phones home: it takes a DHCP lease, asks ARP for the gateway, " +
		"looks up its update server and checks for updates over clear-text HTTP with a cookie that expired years ago. " +
		"Meanwhile an IP-TV set floods the LAN with multicast and a data logger falls silent.")
	story.Wrapping = fyne.TextWrapWord
	drop := widget.NewLabelWithStyle("or drop a capture file onto this window", fyne.TextAlignCenter, fyne.TextStyle{Italic: true})

	var head []fyne.CanvasObject
	if u.cfg.Icon != nil {
		img := canvas.NewImageFromResource(u.cfg.Icon)
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(72, 72))
		head = append(head, img)
	}
	head = append(head, container.NewCenter(title))
	top := container.NewHBox(layout.NewSpacer(), container.NewHBox(head...), layout.NewSpacer())
	buttons := container.NewGridWithColumns(2, open, demo)
	heading := func(s string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	body := container.NewVBox(top, tagline, container.NewPadded(buttons), drop,
		heading("New here?"), widget.NewCard("", "", story),
		heading("Recent captures"), widget.NewCard("", "", v.recent))
	v.content = container.NewCenter(container.New(fixedWidth(660), body))
	return v
}

// refreshRecent lists the recent files as buttons that open them.
func (v *welcomeView) refreshRecent() {
	v.recent.RemoveAll()
	list := v.u.recent.list()
	if len(list) == 0 {
		none := widget.NewLabelWithStyle("Files you open will be listed here.", fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
		v.recent.Add(none)
	}
	for _, path := range list {
		b := widget.NewButtonWithIcon(filepath.Base(path)+"  —  "+filepath.Dir(path), theme.FileIcon(), v.u.guarded("open another capture", func() { v.u.Open(path) }))
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.LowImportance
		v.recent.Add(b)
	}
	v.recent.Refresh()
}

// fixedWidth lays its objects out one above the other at a fixed width,
// so that wrapping text has a width to wrap at.
type fixedWidth float32

func (w fixedWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(float32(w), h)
}

func (w fixedWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}
