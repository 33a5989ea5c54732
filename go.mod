module tlbrace

go 1.26
