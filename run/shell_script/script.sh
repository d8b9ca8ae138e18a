# run/shell_script.run: what ordinary scripts do. hush without fork passes
# every variable and function to each subshell as arguments.
i=1
while [ $i -le 40 ]; do
	eval "var_$i=value_number_$i"
	i=$((i + 1))
done
f() { echo "in f $1"; }
echo "script: 40 variables, var_40 is $var_40"
echo "script: subshell sees $(echo $var_33)"
(echo "script: in a subshell, var_7 is $var_7")
echo "script: a pipeline stage: $(echo $var_21 | tr a-z A-Z)"
echo "script: a function in a subshell: $(f x)"
n=0
ok=0
while [ $n -lt 20 ]; do
	r=$(echo abc | tr a-z A-Z | tr A-C x-z | wc -c)
	[ "$r" = 4 ] && ok=$((ok + 1))
	n=$((n + 1))
done
echo "script: four-stage pipelines in \$(): $ok of 20"
echo "script: nested $(echo 1 $(echo 2 $(echo 3 $(echo 4 $(echo 5)))))"
# sort keeps every line: more RAM than a program starts with (4M here),
# which it asks for as it goes.
echo "script: sorted $(seq 1 250000 | sort -n -r | head -n 1)"
echo "script: done"
