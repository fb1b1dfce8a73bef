package main

// cropSetting records in a report's settings (synth and separate --report,
// metrics.json) the window --crop cut the maps to, as "crop": rows, cols,
// map_shape_read, numpy and fits_section, the fields of stats' config.crop
// (nanmaskApplied.Crop). Before, the window was printed on stderr only, and
// a report (or an .npy output, which keeps no CRPIX) could not be traced to
// the pixels it covers. Nothing without --crop. synth and separate have no
// --skip-nan: every map read is used, so there is no maps_used to record.
func cropSetting(settings map[string]any, nm *nanmaskOpts) {
	if nm == nil || !nm.chosen || settings == nil {
		return
	}
	a := &nanmaskApplied{}
	a.cut(nm.win, nm.M, nm.N)
	settings["crop"] = a.Crop
}

// cropRecordDoc is --crop's help on the record for synth and separate.
const cropRecordDoc = "; --report's metrics.json records the window as settings.crop (rows, cols, map_shape_read, numpy, fits_section, as stats' config.crop)"
