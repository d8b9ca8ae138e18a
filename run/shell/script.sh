# The shell scenario's script (run/shell.run): every line of output is
# checked on serial.
echo "shell: start"
echo "shell: entries in / $(ls / | wc -l)"
ls / | wc -l
(cd /bin; echo "shell: subshell in $(pwd)"); echo "shell: back in $(pwd)"
mkdir -p /tmp
echo "shell: redirected" > /tmp/out.txt
ls /bin >> /tmp/out.txt
while read line; do echo "shell: file has $line"; done < /tmp/out.txt
false; echo "shell: false gave $?"
ls /nonexistent; echo "shell: ls of a missing file gave $?"
x=$( (echo a; echo b; echo c) | wc -l); echo "shell: the subshell pipe had $x lines"
seq 1 2000 | sort -n -r | tail -n 3 | tr '\n' ' '; echo
sleep 1 && echo "shell: slept"
touch /tmp/new && for f in /tmp/*; do echo "shell: has $f"; done
echo "shell: done"
