package engine

import "os"

var lookupEnv = os.LookupEnv
