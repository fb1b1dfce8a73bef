package datasets

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// SkyOrientation is the celestial orientation of a 2-D map's pixel grid at
// its reference pixel (SkyOrientationCards).
//
// PositionAngle carries a direction on the grid, s degrees from the column
// axis (FITS axis 1) toward the row axis (FITS axis 2) — the convention of
// stats.AnisotropyMeasuredFrom, row 0 being the first row of the FITS
// image —, to a position angle on the sky, measured from north through
// east (the IAU convention), in [0°, 180°) (a direction, not an
// orientation with a sense).
//
// With M the 2×2 linear part of the WCS (world axis i per pixel axis j, in
// degrees), the pixel vector p = (cos s, sin s) along FITS axes 1 and 2 is
// the world direction w = M·p, east = w[longitude axis], north =
// w[latitude axis], and
//
//	PA = atan2(east, north)  mod 180°.
//
// For the usual east-left image (CDELT1 < 0, CDELT2 > 0, no rotation) this
// is PA = s − 90° (a direction up the map, s = 90°, has PA 0°; across,
// s = 0°, PA 90°); with CDELT1 > 0 (east to the right) it is 90° − s.
//
// Handled: CDELTi alone; CDELTi with PCi_j; CDi_j; CDELTi with CROTAi of
// the latitude axis (the AIPS convention, Paper II eq. 189:
// M_lon,lon = CDELT_lon cos ρ, M_lon,lat = −CDELT_lat sin ρ,
// M_lat,lon = CDELT_lon sin ρ, M_lat,lat = CDELT_lat cos ρ), with wcslib's
// precedence PC, then CD, then CROTA; CUNITi in deg, arcmin, arcsec, mas
// or rad (deg when absent); either order of the celestial axes (CTYPE1 may
// be the latitude); the celestial frames RA/DEC (north: the north
// celestial pole), GLON/GLAT (north: the North Galactic Pole, east:
// increasing l), ELON/ELAT, SLON/SLAT, HPLN/HPLT and other xLON/xLAT
// pairs (north: increasing latitude). The direction is that of the sky at
// the reference pixel CRPIX, where the projection plane's axes point east
// and north for the default LONPOLE; elsewhere north turns by about
// Δα·sin δ (Δα the longitude offset from the reference point: 0.5° at
// 1° from a reference at δ = 30°), and projections whose scale at the
// reference point differs along its two axes (CEA with λ ≠ 1, tilted
// AZP/SZP) are not corrected. SIP distortions vanish to first order at
// CRPIX and are ignored.
//
// Refused with a note (no orientation): a LONPOLE other than its default
// (0° when the reference latitude δ0 ≥ θ0, else 180°; θ0 = 90° for
// zenithal projections, 0° for the others except conics, whose θ0 is a
// projection parameter), PV cards on the longitude axis (a moved native
// reference point, or TPV's polynomial), two celestial axes that are not
// one longitude–latitude pair, a non-angular CUNIT on a celestial axis,
// and a singular matrix.
type SkyOrientation struct {
	// M[i][j]: degrees of world axis i (0: longitude, 1: latitude) per
	// pixel along FITS pixel axis j+1 (0: columns, 1: rows).
	M [2][2]float64
	// Frame names the coordinates and what north and east are there.
	Frame string
	// Matrix says which cards gave M ("CDELTi × PCi_j", "CDi_j", …).
	Matrix string
}

// PositionAngle returns the position angle, east of north in degrees in
// [0, 180), of the grid direction sDeg (degrees from the column axis toward
// the row axis).
//
// For an anisotropy summary (stats.AnisotropySummary) pass the direction
// the structures run along, stats.AnisotropyScale's StripeDirectionDeg:
// stkit stats' position_angle_deg is PositionAngle(StripeDirectionDeg).
// Its DirectionDeg is the wave vector of maximum response, 90° off: the
// position angle of that is the stripes' ± 90°.
func (s *SkyOrientation) PositionAngle(sDeg float64) float64 {
	r := sDeg * math.Pi / 180
	p := [2]float64{math.Cos(r), math.Sin(r)}
	east := s.M[0][0]*p[0] + s.M[0][1]*p[1]
	north := s.M[1][0]*p[0] + s.M[1][1]*p[1]
	d := math.Mod(math.Atan2(east, north)*180/math.Pi, 180)
	if d < 0 {
		d += 180
	}
	if d >= 180-1e-9 {
		d = 0
	}
	return d
}

// skyCelestialKind returns "lon" or "lat" for a celestial CTYPE in the 4–3
// form ("RA---TAN", "DEC--TAN", "GLON-CAR", "HPLT-TAN"), with its
// coordinate name ("RA", "GLAT"), and "" for other axes.
func skyCelestialKind(ctype string) (kind, name string) {
	ctype = strings.TrimSpace(ctype)
	if len(ctype) < 5 || ctype[4] != '-' {
		return "", ""
	}
	p := strings.TrimRight(ctype[:4], "-")
	switch {
	case p == "RA":
		return "lon", p
	case p == "DEC":
		return "lat", p
	case len(p) == 4 && strings.HasSuffix(p, "LON"):
		return "lon", p
	case len(p) == 4 && strings.HasSuffix(p, "LAT"):
		return "lat", p
	case len(p) == 4 && strings.HasSuffix(p, "LN"):
		return "lon", p
	case len(p) == 4 && strings.HasSuffix(p, "LT"):
		return "lat", p
	}
	return "", ""
}

// skyPair reports whether lon and lat (skyCelestialKind's names) are one
// frame's longitude and latitude: RA and DEC, xLON and xLAT, xyLN and xyLT.
func skyPair(lon, lat string) bool {
	switch {
	case lon == "RA" || lat == "DEC":
		return lon == "RA" && lat == "DEC"
	case strings.HasSuffix(lon, "LON") && strings.HasSuffix(lat, "LAT"):
		return lon[:1] == lat[:1]
	case strings.HasSuffix(lon, "LN") && strings.HasSuffix(lat, "LT"):
		return lon[:2] == lat[:2]
	}
	return false
}

// skyFrameName says what north and east are for a longitude–latitude pair.
func skyFrameName(lon, lat string, radesys string) string {
	switch {
	case lon == "RA" && lat == "DEC":
		s := "equatorial (RA, DEC"
		if radesys != "" {
			s += ", " + radesys
		}
		return s + "): north = toward the north celestial pole, east = increasing RA"
	case lon == "GLON" && lat == "GLAT":
		return "galactic (GLON, GLAT): north = toward the North Galactic Pole (increasing b), east = increasing l; not equatorial north"
	case lon == "ELON" && lat == "ELAT":
		return "ecliptic (ELON, ELAT): north = toward the north ecliptic pole, east = increasing ecliptic longitude; not equatorial north"
	case lon == "SLON" && lat == "SLAT":
		return "supergalactic (SLON, SLAT): north = toward the supergalactic north pole, east = increasing SGL; not equatorial north"
	}
	return fmt.Sprintf("%s, %s: north = increasing %s, east = increasing %s", lon, lat, lat, lon)
}

// skyZenithalProj lists the zenithal projections (θ0 = 90°, Paper II).
var skyZenithalProj = map[string]bool{"AZP": true, "SZP": true, "TAN": true, "STG": true, "SIN": true, "ARC": true, "ZPN": true, "ZEA": true, "AIR": true}

// skyConicProj lists the conic projections (θ0 = θa, PVi_1 of the latitude axis).
var skyConicProj = map[string]bool{"COP": true, "COE": true, "COD": true, "COO": true}

// skyUnitDeg is the size in degrees of a CUNIT of a celestial axis
// ("" is the default, deg; the others as AngleUnitDegrees).
func skyUnitDeg(u string) (float64, bool) {
	if strings.TrimSpace(u) == "" {
		return 1, true
	}
	return AngleUnitDegrees(u)
}

// SkyOrientationCards reads the celestial orientation of a 2-D map's
// primary WCS from its FITS cards (see SkyOrientation and the comment
// above it): nil and "" when the first two axes are not celestial (no
// CTYPE1/2, or linear ones), nil and a note saying why when they are but
// the orientation is not handled.
func SkyOrientationCards(cards []Card) (*SkyOrientation, string) {
	var ctype, cunit [2]string
	var cdelt, crota, crval [2]float64
	var hasCdelt, hasCrota [2]bool
	cdelt = [2]float64{1, 1}
	pc := [2][2]float64{{1, 0}, {0, 1}}
	var cd [2][2]float64
	hasPC, hasCD := false, false
	var lonpole *float64
	radesys := ""
	pvKeys := map[int][]string{}
	for _, c := range cards {
		if c.Commentary {
			continue
		}
		k := c.Key
		axis := func(prefix string) int {
			rest, ok := strings.CutPrefix(k, prefix)
			if ok && (rest == "1" || rest == "2") {
				return int(rest[0] - '1')
			}
			return -1
		}
		if i := axis("CTYPE"); i >= 0 {
			ctype[i], _ = c.Value.(string)
		}
		if i := axis("CUNIT"); i >= 0 {
			s, _ := c.Value.(string)
			cunit[i] = strings.TrimSpace(s)
		}
		if i := axis("CDELT"); i >= 0 {
			if v, ok := cardNum(c.Value); ok {
				cdelt[i], hasCdelt[i] = v, true
			}
		}
		if i := axis("CROTA"); i >= 0 {
			if v, ok := cardNum(c.Value); ok {
				crota[i], hasCrota[i] = v, true
			}
		}
		if i := axis("CRVAL"); i >= 0 {
			if v, ok := cardNum(c.Value); ok {
				crval[i] = v
			}
		}
		if k == "LONPOLE" {
			if v, ok := cardNum(c.Value); ok {
				lonpole = &v
			}
		}
		if k == "RADESYS" || (k == "RADECSYS" && radesys == "") {
			s, _ := c.Value.(string)
			radesys = strings.TrimSpace(s)
		}
		for _, pre := range []string{"PC", "CD"} {
			rest, ok := strings.CutPrefix(k, pre)
			if !ok || len(rest) != 3 || rest[1] != '_' {
				continue
			}
			i, j := int(rest[0]-'1'), int(rest[2]-'1')
			v, okv := cardNum(c.Value)
			if i < 0 || i > 1 || j < 0 || j > 1 || !okv {
				continue
			}
			if pre == "PC" {
				pc[i][j], hasPC = v, true
			} else {
				cd[i][j], hasCD = v, true
			}
		}
		if rest, ok := strings.CutPrefix(k, "PV"); ok {
			if a, m, ok := strings.Cut(rest, "_"); ok {
				ai, err1 := strconv.Atoi(a)
				_, err2 := strconv.Atoi(m)
				if err1 == nil && err2 == nil {
					pvKeys[ai] = append(pvKeys[ai], k)
				}
			}
		}
	}
	k0, n0 := skyCelestialKind(ctype[0])
	k1, n1 := skyCelestialKind(ctype[1])
	if k0 == "" && k1 == "" {
		return nil, ""
	}
	ct := fmt.Sprintf("CTYPE1 = '%s', CTYPE2 = '%s'", strings.TrimSpace(ctype[0]), strings.TrimSpace(ctype[1]))
	lonAx, latAx := 0, 1
	switch {
	case k0 == "lon" && k1 == "lat":
	case k0 == "lat" && k1 == "lon":
		lonAx, latAx = 1, 0
	default:
		return nil, ct + ": not a longitude–latitude pair on the map's two axes, so no position angle on the sky"
	}
	lonName, latName := []string{n0, n1}[lonAx], []string{n0, n1}[latAx]
	if !skyPair(lonName, latName) {
		return nil, ct + ": " + lonName + " and " + latName + " are not one frame's longitude and latitude, so no position angle on the sky"
	}
	var unitDeg [2]float64
	for i := range 2 {
		f, ok := skyUnitDeg(cunit[i])
		if !ok {
			return nil, fmt.Sprintf("%s: CUNIT%d = '%s' is not an angle, so no position angle on the sky", ct, i+1, cunit[i])
		}
		unitDeg[i] = f
	}
	proj := ""
	if c := strings.TrimSpace(ctype[lonAx]); len(c) >= 8 {
		proj = c[5:8]
	}
	if ks := pvKeys[lonAx+1]; len(ks) > 0 {
		return nil, fmt.Sprintf("%s: %s on the longitude axis (a moved native reference point, LONPOLE/LATPOLE given as PV, or a TPV polynomial) is not handled, so no position angle on the sky", ct, strings.Join(ks, ", "))
	}
	if lonpole != nil {
		theta0 := 0.0
		if skyZenithalProj[proj] {
			theta0 = 90
		}
		if skyConicProj[proj] {
			return nil, fmt.Sprintf("%s: LONPOLE = %g with a conic projection is not handled, so no position angle on the sky", ct, *lonpole)
		}
		def := 180.0
		if crval[latAx] >= theta0 {
			def = 0
		}
		if d := math.Mod(math.Abs(*lonpole-def), 360); math.Min(d, 360-d) > 1e-9 {
			return nil, fmt.Sprintf("%s: LONPOLE = %g differs from its default %g (the projection's axes are turned against north at the reference point): not handled, so no position angle on the sky", ct, *lonpole, def)
		}
	}
	var m [2][2]float64
	var how string
	switch {
	case hasPC:
		for i := range 2 {
			for j := range 2 {
				m[i][j] = cdelt[i] * pc[i][j]
			}
		}
		how = "CDELTi × PCi_j"
	case hasCD:
		m, how = cd, "CDi_j"
	case hasCdelt[0] || hasCdelt[1]:
		m = [2][2]float64{{cdelt[0], 0}, {0, cdelt[1]}}
		how = "CDELTi"
		rho, given := crota[latAx], hasCrota[latAx]
		if !given && hasCrota[lonAx] && crota[lonAx] != 0 {
			return nil, fmt.Sprintf("%s: CROTA%d is given on the longitude axis only (the rotation belongs to the latitude axis, CROTA%d): not handled, so no position angle on the sky", ct, lonAx+1, latAx+1)
		}
		if given && rho != 0 {
			r := rho * math.Pi / 180
			m[lonAx][lonAx] = cdelt[lonAx] * math.Cos(r)
			m[lonAx][latAx] = -cdelt[latAx] * math.Sin(r)
			m[latAx][lonAx] = cdelt[lonAx] * math.Sin(r)
			m[latAx][latAx] = cdelt[latAx] * math.Cos(r)
			how = fmt.Sprintf("CDELTi and CROTA%d = %g", latAx+1, rho)
		}
	default:
		return nil, ct + ": no CDELTi, CDi_j or PCi_j, so no position angle on the sky"
	}
	for i := range 2 {
		for j := range 2 {
			m[i][j] *= unitDeg[i]
		}
	}
	det := m[0][0]*m[1][1] - m[0][1]*m[1][0]
	if det == 0 || math.IsNaN(det) || math.IsInf(det, 0) {
		return nil, ct + ": the pixel-to-sky matrix (" + how + ") is singular, so no position angle on the sky"
	}
	s := &SkyOrientation{Frame: skyFrameName(lonName, latName, radesys), Matrix: how}
	s.M[0], s.M[1] = m[lonAx], m[latAx]
	if sipProj := strings.TrimSpace(ctype[lonAx]); strings.HasSuffix(sipProj, "-SIP") {
		s.Matrix += " (SIP distortion ignored)"
	}
	return s, ""
}
