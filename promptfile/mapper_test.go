package promptfile

import "testing"

func TestMapperPositions(t *testing.T) {
	// "é" is 2 bytes / 1 UTF-16 unit, "😀" 4 bytes / 2 units, "中" 3 bytes / 1 unit.
	src := []byte("\uFEFFaé😀b\r\n中x\n\nlast")
	m := NewMapper(src)
	for _, tc := range []struct {
		off           int
		line, c16, c8 int
	}{
		{3, 0, 0, 0},  // after the BOM
		{0, 0, 0, 0},  // inside the BOM clamps to it
		{4, 0, 1, 1},  // é
		{6, 0, 2, 3},  // 😀
		{10, 0, 4, 7}, // b
		{11, 0, 5, 8}, // \r: end of the line's text
		{12, 0, 5, 8}, // \n too
		{13, 1, 0, 0}, // 中
		{16, 1, 1, 3}, // x
		{18, 2, 0, 0}, // empty line
		{19, 3, 0, 0}, // last
		{23, 3, 4, 4}, // end of file
		{99, 3, 4, 4}, // past the end clamps
	} {
		line, c16 := m.Position(tc.off, UTF16)
		_, c8 := m.Position(tc.off, UTF8)
		if line != tc.line || c16 != tc.c16 || c8 != tc.c8 {
			t.Errorf("Position(%d) = line %d, utf16 %d, utf8 %d; want %d, %d, %d", tc.off, line, c16, c8, tc.line, tc.c16, tc.c8)
		}
	}
	for _, tc := range []struct {
		line, col int
		enc       Encoding
		off       int
	}{
		{0, 0, UTF16, 3},
		{0, 2, UTF16, 6},
		{0, 3, UTF16, 6}, // inside the surrogate pair: back to the emoji's start
		{0, 4, UTF16, 10},
		{0, 99, UTF16, 11}, // past the line's end: before \r\n
		{1, 1, UTF16, 16},
		{1, 1, UTF8, 13}, // inside 中: back to its start
		{3, 2, UTF8, 21},
		{9, 0, UTF16, 23}, // past the last line
		{-1, 5, UTF16, 3},
	} {
		if got := m.Offset(tc.line, tc.col, tc.enc); got != tc.off {
			t.Errorf("Offset(%d, %d, %v) = %d, want %d", tc.line, tc.col, tc.enc, got, tc.off)
		}
	}
}

func TestMapperRoundTrip(t *testing.T) {
	src := []byte("a😀é\r\n\tx中\n")
	m := NewMapper(src)
	for off := 0; off <= len(src); off++ {
		for _, enc := range []Encoding{UTF16, UTF8} {
			line, col := m.Position(off, enc)
			back := m.Offset(line, col, enc)
			if back > off {
				t.Errorf("%v: offset %d -> (%d,%d) -> %d, moved forward", enc, off, line, col, back)
			}
		}
	}
}

func TestOffsetInMatchesMapper(t *testing.T) {
	src := []byte("\uFEFFaé😀b\r\n中x\n\nlast")
	m := NewMapper(src)
	for line := -1; line < 6; line++ {
		for col := -1; col < 12; col++ {
			for _, enc := range []Encoding{UTF16, UTF8} {
				if got, want := OffsetIn(src, line, col, enc), m.Offset(line, col, enc); got != want {
					t.Errorf("OffsetIn(%d, %d, %v) = %d, Mapper says %d", line, col, enc, got, want)
				}
			}
		}
	}
}
