package golden.fn

import rego.v1

double(x) := x * 2

label(x) := "big" if x > 10

else := "small"

result := {"d": double(input.n), "l": label(input.n)}

all_positive if {
	every x in input.xs {
		x > 0
	}
}
