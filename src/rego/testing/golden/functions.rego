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

# The body iterates: a match ends the inner NotStmt (undefined), no match leaves it (holds).
all_granted if {
	every c in input.need {
		input.have[_] == c
	}
}

# The mock calls the built-in it replaces: its Func is planned without the replacement.
mock_count(x) := count(x) + 1

counted := n if {
	n := count(input.xs) with count as mock_count
}
