package golden

import rego.v1

default allow := false

allow if {
	input.user.role == "admin"
}

allow if {
	some g in input.user.groups
	g == "ops"
}

names contains n if {
	some item in input.items
	n := item.name
}

by_id[item.id] := item.name if {
	some item in input.items
}
