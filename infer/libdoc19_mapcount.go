package infer

// checkMapCount refuses a negative number of maps to synthesise
// (GenerateConfig.K; 0 means 1): before, K = −2 silently made one map.
func checkMapCount(k int) error {
	if k < 0 {
		return inputErrorf("K = %d maps to synthesise: want 1 or more (0 means 1)", k)
	}
	return nil
}
