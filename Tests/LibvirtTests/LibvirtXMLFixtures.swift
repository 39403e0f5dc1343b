// Real libvirt 9.0 / QEMU 7.2 output, captured once from qemu:///system on a lab host (a q35 guest
// "rewind-xml-fix" with a qcow2 vda and a read-only raw vdb), for the XML definition tests.

/// libvirt output fixtures (libvirt 9.0.0, QEMU 7.2, Debian 12).
enum LibvirtXMLFixtures {
    /// `virsh dumpxml` of a running q35 guest after two external snapshots (s1 with memory, s2 disk-only): vda's `<backingStore>` chain is two layers deep; the raw vdb is read-only.
    static let liveChain = #"""
        <domain type='kvm' id='2'>
          <name>rewind-xml-fix</name>
          <uuid>9cc90869-3688-48df-b12c-0943bc8a55e9</uuid>
          <metadata>
            <rewind:lab xmlns:rewind="https://rewind.invalid/lab/1" run="RUN1"/>
          </metadata>
          <memory unit='KiB'>65536</memory>
          <currentMemory unit='KiB'>65536</currentMemory>
          <vcpu placement='static'>1</vcpu>
          <resource>
            <partition>/machine</partition>
          </resource>
          <os>
            <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
            <boot dev='hd'/>
          </os>
          <cpu mode='custom' match='exact' check='full'>
            <model fallback='forbid'>qemu64</model>
            <feature policy='disable' name='pni'/>
            <feature policy='require' name='x2apic'/>
            <feature policy='require' name='hypervisor'/>
            <feature policy='require' name='lahf_lm'/>
            <feature policy='disable' name='svm'/>
          </cpu>
          <clock offset='utc'/>
          <on_poweroff>destroy</on_poweroff>
          <on_reboot>restart</on_reboot>
          <on_crash>destroy</on_crash>
          <devices>
            <emulator>/usr/bin/qemu-system-x86_64</emulator>
            <disk type='file' device='disk'>
              <driver name='qemu' type='qcow2'/>
              <source file='/var/lib/libvirt/images/rewind/rewind-xml-fix-vda.s2.qcow2' index='9'/>
              <backingStore type='file' index='8'>
                <format type='qcow2'/>
                <source file='/var/lib/libvirt/images/rewind/rewind-xml-fix-vda.s1.qcow2'/>
                <backingStore type='file' index='2'>
                  <format type='qcow2'/>
                  <source file='/var/lib/libvirt/images/rewind/rewind-xml-fix-vda.qcow2'/>
                  <backingStore/>
                </backingStore>
              </backingStore>
              <target dev='vda' bus='virtio'/>
              <alias name='virtio-disk0'/>
              <address type='pci' domain='0x0000' bus='0x03' slot='0x00' function='0x0'/>
            </disk>
            <disk type='file' device='disk'>
              <driver name='qemu' type='raw'/>
              <source file='/var/lib/libvirt/images/rewind/rewind-xml-fix-vdb.raw' index='1'/>
              <backingStore/>
              <target dev='vdb' bus='virtio'/>
              <readonly/>
              <alias name='virtio-disk1'/>
              <address type='pci' domain='0x0000' bus='0x04' slot='0x00' function='0x0'/>
            </disk>
            <controller type='usb' index='0' model='qemu-xhci'>
              <alias name='usb'/>
              <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
            </controller>
            <controller type='sata' index='0'>
              <alias name='ide'/>
              <address type='pci' domain='0x0000' bus='0x00' slot='0x1f' function='0x2'/>
            </controller>
            <controller type='pci' index='0' model='pcie-root'>
              <alias name='pcie.0'/>
            </controller>
            <controller type='virtio-serial' index='0'>
              <alias name='virtio-serial0'/>
              <address type='pci' domain='0x0000' bus='0x02' slot='0x00' function='0x0'/>
            </controller>
            <controller type='pci' index='1' model='pcie-root-port'>
              <model name='pcie-root-port'/>
              <target chassis='1' port='0x8'/>
              <alias name='pci.1'/>
              <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0' multifunction='on'/>
            </controller>
            <controller type='pci' index='2' model='pcie-root-port'>
              <model name='pcie-root-port'/>
              <target chassis='2' port='0x9'/>
              <alias name='pci.2'/>
              <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x1'/>
            </controller>
            <controller type='pci' index='3' model='pcie-root-port'>
              <model name='pcie-root-port'/>
              <target chassis='3' port='0xa'/>
              <alias name='pci.3'/>
              <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x2'/>
            </controller>
            <controller type='pci' index='4' model='pcie-root-port'>
              <model name='pcie-root-port'/>
              <target chassis='4' port='0xb'/>
              <alias name='pci.4'/>
              <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x3'/>
            </controller>
            <controller type='pci' index='5' model='pcie-root-port'>
              <model name='pcie-root-port'/>
              <target chassis='5' port='0xc'/>
              <alias name='pci.5'/>
              <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x4'/>
            </controller>
            <serial type='pty'>
              <source path='/dev/pts/0'/>
              <target type='isa-serial' port='0'>
                <model name='isa-serial'/>
              </target>
              <alias name='serial0'/>
            </serial>
            <console type='pty' tty='/dev/pts/0'>
              <source path='/dev/pts/0'/>
              <target type='serial' port='0'/>
              <alias name='serial0'/>
            </console>
            <channel type='unix'>
              <source mode='bind' path='/var/lib/libvirt/qemu/channel/target/domain-2-rewind-xml-fix/org.qemu.guest_agent.0'/>
              <target type='virtio' name='org.qemu.guest_agent.0' state='disconnected'/>
              <alias name='channel0'/>
              <address type='virtio-serial' controller='0' bus='0' port='1'/>
            </channel>
            <input type='mouse' bus='ps2'>
              <alias name='input0'/>
            </input>
            <input type='keyboard' bus='ps2'>
              <alias name='input1'/>
            </input>
            <audio id='1' type='none'/>
            <memballoon model='none'/>
          </devices>
          <seclabel type='dynamic' model='dac' relabel='yes'>
            <label>+0:+0</label>
            <imagelabel>+0:+0</imagelabel>
          </seclabel>
        </domain>
        """#

    /// `virsh dumpxml` during `virsh blockcopy --transient-job` of vda, after the job became ready.
    static let liveMirror = #"""
        <domain type='kvm' id='2'>
          <name>rewind-xml-fix</name>
          <uuid>9cc90869-3688-48df-b12c-0943bc8a55e9</uuid>
          <metadata>
            <rewind:lab xmlns:rewind="https://rewind.invalid/lab/1" run="RUN1"/>
          </metadata>
          <memory unit='KiB'>65536</memory>
          <currentMemory unit='KiB'>65536</currentMemory>
          <vcpu placement='static'>1</vcpu>
          <resource>
            <partition>/machine</partition>
          </resource>
          <os>
            <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
            <boot dev='hd'/>
          </os>
          <cpu mode='custom' match='exact' check='full'>
            <model fallback='forbid'>qemu64</model>
            <feature policy='disable' name='pni'/>
            <feature policy='require' name='x2apic'/>
            <feature policy='require' name='hypervisor'/>
            <feature policy='require' name='lahf_lm'/>
            <feature policy='disable' name='svm'/>
          </cpu>
          <clock offset='utc'/>
          <on_poweroff>destroy</on_poweroff>
          <on_reboot>restart</on_reboot>
          <on_crash>destroy</on_crash>
          <devices>
            <emulator>/usr/bin/qemu-system-x86_64</emulator>
            <disk type='file' device='disk'>
              <driver name='qemu' type='qcow2'/>
              <source file='/var/lib/libvirt/images/rewind/rewind-xml-fix-vda.qcow2' index='2'/>
              <backingStore/>
              <mirror type='file' file='/var/lib/libvirt/images/rewind/rewind-xml-fix-vda.copy.qcow2' format='qcow2' job='copy' ready='yes'>
                <format type='qcow2'/>
                <source file='/var/lib/libvirt/images/rewind/rewind-xml-fix-vda.copy.qcow2' index='7'/>
                <backingStore/>
              </mirror>
              <target dev='vda' bus='virtio'/>
              <alias name='virtio-disk0'/>
              <address type='pci' domain='0x0000' bus='0x03' slot='0x00' function='0x0'/>
            </disk>
            <disk type='file' device='disk'>
              <driver name='qemu' type='raw'/>
              <source file='/var/lib/libvirt/images/rewind/rewind-xml-fix-vdb.raw' index='1'/>
              <backingStore/>
              <target dev='vdb' bus='virtio'/>
              <readonly/>
              <alias name='virtio-disk1'/>
              <address type='pci' domain='0x0000' bus='0x04' slot='0x00' function='0x0'/>
            </disk>
            <controller type='usb' index='0' model='qemu-xhci'>
              <alias name='usb'/>
              <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
            </controller>
            <controller type='sata' index='0'>
              <alias name='ide'/>
              <address type='pci' domain='0x0000' bus='0x00' slot='0x1f' function='0x2'/>
            </controller>
            <controller type='pci' index='0' model='pcie-root'>
              <alias name='pcie.0'/>
            </controller>
            <controller type='virtio-serial' index='0'>
              <alias name='virtio-serial0'/>
              <address type='pci' domain='0x0000' bus='0x02' slot='0x00' function='0x0'/>
            </controller>
            <controller type='pci' index='1' model='pcie-root-port'>
              <model name='pcie-root-port'/>
              <target chassis='1' port='0x8'/>
              <alias name='pci.1'/>
              <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0' multifunction='on'/>
            </controller>
            <controller type='pci' index='2' model='pcie-root-port'>
              <model name='pcie-root-port'/>
              <target chassis='2' port='0x9'/>
              <alias name='pci.2'/>
              <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x1'/>
            </controller>
            <controller type='pci' index='3' model='pcie-root-port'>
              <model name='pcie-root-port'/>
              <target chassis='3' port='0xa'/>
              <alias name='pci.3'/>
              <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x2'/>
            </controller>
            <controller type='pci' index='4' model='pcie-root-port'>
              <model name='pcie-root-port'/>
              <target chassis='4' port='0xb'/>
              <alias name='pci.4'/>
              <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x3'/>
            </controller>
            <controller type='pci' index='5' model='pcie-root-port'>
              <model name='pcie-root-port'/>
              <target chassis='5' port='0xc'/>
              <alias name='pci.5'/>
              <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x4'/>
            </controller>
            <serial type='pty'>
              <source path='/dev/pts/0'/>
              <target type='isa-serial' port='0'>
                <model name='isa-serial'/>
              </target>
              <alias name='serial0'/>
            </serial>
            <console type='pty' tty='/dev/pts/0'>
              <source path='/dev/pts/0'/>
              <target type='serial' port='0'/>
              <alias name='serial0'/>
            </console>
            <channel type='unix'>
              <source mode='bind' path='/var/lib/libvirt/qemu/channel/target/domain-2-rewind-xml-fix/org.qemu.guest_agent.0'/>
              <target type='virtio' name='org.qemu.guest_agent.0' state='disconnected'/>
              <alias name='channel0'/>
              <address type='virtio-serial' controller='0' bus='0' port='1'/>
            </channel>
            <input type='mouse' bus='ps2'>
              <alias name='input0'/>
            </input>
            <input type='keyboard' bus='ps2'>
              <alias name='input1'/>
            </input>
            <audio id='1' type='none'/>
            <memballoon model='none'/>
          </devices>
          <seclabel type='dynamic' model='dac' relabel='yes'>
            <label>+0:+0</label>
            <imagelabel>+0:+0</imagelabel>
          </seclabel>
        </domain>
        """#

    /// `virsh snapshot-dumpxml` of s1: external memory file and external vda overlay, vdb left out. The `<inactiveDomain>` and `<cookie>` elements are cut.
    static let snapshotExternalMemory = #"""
        <domainsnapshot>
          <name>s1</name>
          <description>first &lt;snap&gt; &amp; &quot;x&quot;</description>
          <state>running</state>
          <creationTime>1795794522</creationTime>
          <memory snapshot='external' file='/var/lib/libvirt/images/rewind/rewind-xml-fix.s1.mem'/>
          <disks>
            <disk name='vda' snapshot='external' type='file'>
              <driver type='qcow2'/>
              <source file='/var/lib/libvirt/images/rewind/rewind-xml-fix-vda.s1.qcow2'/>
            </disk>
            <disk name='vdb' snapshot='no'/>
          </disks>
          <domain type='kvm'>
            <name>rewind-xml-fix</name>
            <uuid>9cc90869-3688-48df-b12c-0943bc8a55e9</uuid>
            <metadata>
              <rewind:lab xmlns:rewind="https://rewind.invalid/lab/1" run="RUN1"/>
            </metadata>
            <memory unit='KiB'>65536</memory>
            <currentMemory unit='KiB'>65536</currentMemory>
            <vcpu placement='static'>1</vcpu>
            <resource>
              <partition>/machine</partition>
            </resource>
            <os>
              <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
              <boot dev='hd'/>
            </os>
            <cpu mode='custom' match='exact' check='none'>
              <model fallback='forbid'>qemu64</model>
            </cpu>
            <clock offset='utc'/>
            <on_poweroff>destroy</on_poweroff>
            <on_reboot>restart</on_reboot>
            <on_crash>destroy</on_crash>
            <devices>
              <emulator>/usr/bin/qemu-system-x86_64</emulator>
              <disk type='file' device='disk'>
                <driver name='qemu' type='qcow2'/>
                <source file='/var/lib/libvirt/images/rewind/rewind-xml-fix-vda.qcow2'/>
                <backingStore/>
                <target dev='vda' bus='virtio'/>
                <address type='pci' domain='0x0000' bus='0x03' slot='0x00' function='0x0'/>
              </disk>
              <disk type='file' device='disk'>
                <driver name='qemu' type='raw'/>
                <source file='/var/lib/libvirt/images/rewind/rewind-xml-fix-vdb.raw'/>
                <backingStore/>
                <target dev='vdb' bus='virtio'/>
                <readonly/>
                <address type='pci' domain='0x0000' bus='0x04' slot='0x00' function='0x0'/>
              </disk>
              <controller type='usb' index='0' model='qemu-xhci'>
                <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
              </controller>
              <controller type='sata' index='0'>
                <address type='pci' domain='0x0000' bus='0x00' slot='0x1f' function='0x2'/>
              </controller>
              <controller type='pci' index='0' model='pcie-root'/>
              <controller type='pci' index='1' model='pcie-root-port'>
                <model name='pcie-root-port'/>
                <target chassis='1' port='0x8'/>
                <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0' multifunction='on'/>
              </controller>
              <controller type='pci' index='2' model='pcie-root-port'>
                <model name='pcie-root-port'/>
                <target chassis='2' port='0x9'/>
                <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x1'/>
              </controller>
              <controller type='pci' index='3' model='pcie-root-port'>
                <model name='pcie-root-port'/>
                <target chassis='3' port='0xa'/>
                <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x2'/>
              </controller>
              <controller type='pci' index='4' model='pcie-root-port'>
                <model name='pcie-root-port'/>
                <target chassis='4' port='0xb'/>
                <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x3'/>
              </controller>
              <controller type='pci' index='5' model='pcie-root-port'>
                <model name='pcie-root-port'/>
                <target chassis='5' port='0xc'/>
                <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x4'/>
              </controller>
              <controller type='virtio-serial' index='0'>
                <address type='pci' domain='0x0000' bus='0x02' slot='0x00' function='0x0'/>
              </controller>
              <serial type='pty'>
                <target type='isa-serial' port='0'>
                  <model name='isa-serial'/>
                </target>
              </serial>
              <console type='pty'>
                <target type='serial' port='0'/>
              </console>
              <channel type='unix'>
                <target type='virtio' name='org.qemu.guest_agent.0'/>
                <address type='virtio-serial' controller='0' bus='0' port='1'/>
              </channel>
              <input type='mouse' bus='ps2'/>
              <input type='keyboard' bus='ps2'/>
              <audio id='1' type='none'/>
              <memballoon model='none'/>
            </devices>
          </domain>
        </domainsnapshot>
        """#

    /// `virsh snapshot-dumpxml` of s2, a disk-only snapshot taken after s1. The `<inactiveDomain>` element is cut.
    static let snapshotDiskOnly = #"""
        <domainsnapshot>
          <name>s2</name>
          <state>disk-snapshot</state>
          <parent>
            <name>s1</name>
          </parent>
          <creationTime>1795794522</creationTime>
          <memory snapshot='no'/>
          <disks>
            <disk name='vda' snapshot='external' type='file'>
              <driver type='qcow2'/>
              <source file='/var/lib/libvirt/images/rewind/rewind-xml-fix-vda.s2.qcow2'/>
            </disk>
            <disk name='vdb' snapshot='no'/>
          </disks>
          <domain type='kvm'>
            <name>rewind-xml-fix</name>
            <uuid>9cc90869-3688-48df-b12c-0943bc8a55e9</uuid>
            <metadata>
              <rewind:lab xmlns:rewind="https://rewind.invalid/lab/1" run="RUN1"/>
            </metadata>
            <memory unit='KiB'>65536</memory>
            <currentMemory unit='KiB'>65536</currentMemory>
            <vcpu placement='static'>1</vcpu>
            <resource>
              <partition>/machine</partition>
            </resource>
            <os>
              <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
              <boot dev='hd'/>
            </os>
            <cpu mode='custom' match='exact' check='none'>
              <model fallback='forbid'>qemu64</model>
            </cpu>
            <clock offset='utc'/>
            <on_poweroff>destroy</on_poweroff>
            <on_reboot>restart</on_reboot>
            <on_crash>destroy</on_crash>
            <devices>
              <emulator>/usr/bin/qemu-system-x86_64</emulator>
              <disk type='file' device='disk'>
                <driver name='qemu' type='qcow2'/>
                <source file='/var/lib/libvirt/images/rewind/rewind-xml-fix-vda.s1.qcow2'/>
                <backingStore type='file'>
                  <format type='qcow2'/>
                  <source file='/var/lib/libvirt/images/rewind/rewind-xml-fix-vda.qcow2'/>
                  <backingStore/>
                </backingStore>
                <target dev='vda' bus='virtio'/>
                <address type='pci' domain='0x0000' bus='0x03' slot='0x00' function='0x0'/>
              </disk>
              <disk type='file' device='disk'>
                <driver name='qemu' type='raw'/>
                <source file='/var/lib/libvirt/images/rewind/rewind-xml-fix-vdb.raw'/>
                <backingStore/>
                <target dev='vdb' bus='virtio'/>
                <readonly/>
                <address type='pci' domain='0x0000' bus='0x04' slot='0x00' function='0x0'/>
              </disk>
              <controller type='usb' index='0' model='qemu-xhci'>
                <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
              </controller>
              <controller type='sata' index='0'>
                <address type='pci' domain='0x0000' bus='0x00' slot='0x1f' function='0x2'/>
              </controller>
              <controller type='pci' index='0' model='pcie-root'/>
              <controller type='pci' index='1' model='pcie-root-port'>
                <model name='pcie-root-port'/>
                <target chassis='1' port='0x8'/>
                <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0' multifunction='on'/>
              </controller>
              <controller type='pci' index='2' model='pcie-root-port'>
                <model name='pcie-root-port'/>
                <target chassis='2' port='0x9'/>
                <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x1'/>
              </controller>
              <controller type='pci' index='3' model='pcie-root-port'>
                <model name='pcie-root-port'/>
                <target chassis='3' port='0xa'/>
                <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x2'/>
              </controller>
              <controller type='pci' index='4' model='pcie-root-port'>
                <model name='pcie-root-port'/>
                <target chassis='4' port='0xb'/>
                <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x3'/>
              </controller>
              <controller type='pci' index='5' model='pcie-root-port'>
                <model name='pcie-root-port'/>
                <target chassis='5' port='0xc'/>
                <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x4'/>
              </controller>
              <controller type='virtio-serial' index='0'>
                <address type='pci' domain='0x0000' bus='0x02' slot='0x00' function='0x0'/>
              </controller>
              <serial type='pty'>
                <target type='isa-serial' port='0'>
                  <model name='isa-serial'/>
                </target>
              </serial>
              <console type='pty'>
                <target type='serial' port='0'/>
              </console>
              <channel type='unix'>
                <target type='virtio' name='org.qemu.guest_agent.0'/>
                <address type='virtio-serial' controller='0' bus='0' port='1'/>
              </channel>
              <input type='mouse' bus='ps2'/>
              <input type='keyboard' bus='ps2'/>
              <audio id='1' type='none'/>
              <memballoon model='none'/>
            </devices>
          </domain>
        </domainsnapshot>
        """#

    /// `virsh checkpoint-dumpxml --size` of cp1 after 1 MiB was written to vda.
    static let checkpointWithSize = #"""
        <domaincheckpoint>
          <name>cp1</name>
          <description>first &amp; &quot;quoted&quot; é</description>
          <creationTime>1795794502</creationTime>
          <disks>
            <disk name='vda' checkpoint='bitmap' bitmap='cp1' size='1048576'/>
            <disk name='vdb' checkpoint='no'/>
          </disks>
          <domain type='kvm'>
            <name>rewind-xml-fix</name>
            <uuid>9cc90869-3688-48df-b12c-0943bc8a55e9</uuid>
            <metadata>
              <rewind:lab xmlns:rewind="https://rewind.invalid/lab/1" run="RUN1"/>
            </metadata>
            <memory unit='KiB'>65536</memory>
            <currentMemory unit='KiB'>65536</currentMemory>
            <vcpu placement='static'>1</vcpu>
            <resource>
              <partition>/machine</partition>
            </resource>
            <os>
              <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
              <boot dev='hd'/>
            </os>
            <cpu mode='custom' match='exact' check='none'>
              <model fallback='forbid'>qemu64</model>
            </cpu>
            <clock offset='utc'/>
            <on_poweroff>destroy</on_poweroff>
            <on_reboot>restart</on_reboot>
            <on_crash>destroy</on_crash>
            <devices>
              <emulator>/usr/bin/qemu-system-x86_64</emulator>
              <disk type='file' device='disk'>
                <driver name='qemu' type='qcow2'/>
                <source file='/var/lib/libvirt/images/rewind/rewind-xml-fix-vda.qcow2'/>
                <backingStore/>
                <target dev='vda' bus='virtio'/>
                <address type='pci' domain='0x0000' bus='0x03' slot='0x00' function='0x0'/>
              </disk>
              <disk type='file' device='disk'>
                <driver name='qemu' type='raw'/>
                <source file='/var/lib/libvirt/images/rewind/rewind-xml-fix-vdb.raw'/>
                <backingStore/>
                <target dev='vdb' bus='virtio'/>
                <readonly/>
                <address type='pci' domain='0x0000' bus='0x04' slot='0x00' function='0x0'/>
              </disk>
              <controller type='usb' index='0' model='qemu-xhci'>
                <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
              </controller>
              <controller type='sata' index='0'>
                <address type='pci' domain='0x0000' bus='0x00' slot='0x1f' function='0x2'/>
              </controller>
              <controller type='pci' index='0' model='pcie-root'/>
              <controller type='pci' index='1' model='pcie-root-port'>
                <model name='pcie-root-port'/>
                <target chassis='1' port='0x8'/>
                <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0' multifunction='on'/>
              </controller>
              <controller type='pci' index='2' model='pcie-root-port'>
                <model name='pcie-root-port'/>
                <target chassis='2' port='0x9'/>
                <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x1'/>
              </controller>
              <controller type='pci' index='3' model='pcie-root-port'>
                <model name='pcie-root-port'/>
                <target chassis='3' port='0xa'/>
                <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x2'/>
              </controller>
              <controller type='pci' index='4' model='pcie-root-port'>
                <model name='pcie-root-port'/>
                <target chassis='4' port='0xb'/>
                <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x3'/>
              </controller>
              <controller type='pci' index='5' model='pcie-root-port'>
                <model name='pcie-root-port'/>
                <target chassis='5' port='0xc'/>
                <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x4'/>
              </controller>
              <controller type='virtio-serial' index='0'>
                <address type='pci' domain='0x0000' bus='0x02' slot='0x00' function='0x0'/>
              </controller>
              <serial type='pty'>
                <target type='isa-serial' port='0'>
                  <model name='isa-serial'/>
                </target>
              </serial>
              <console type='pty'>
                <target type='serial' port='0'/>
              </console>
              <channel type='unix'>
                <target type='virtio' name='org.qemu.guest_agent.0'/>
                <address type='virtio-serial' controller='0' bus='0' port='1'/>
              </channel>
              <input type='mouse' bus='ps2'/>
              <input type='keyboard' bus='ps2'/>
              <audio id='1' type='none'/>
              <memballoon model='none'/>
            </devices>
          </domain>
        </domaincheckpoint>
        """#

    /// `virsh checkpoint-dumpxml --no-domain` of cp2, created by an incremental pull backup from cp1.
    static let checkpointChild = #"""
        <domaincheckpoint>
          <name>cp2</name>
          <parent>
            <name>cp1</name>
          </parent>
          <creationTime>1795794508</creationTime>
          <disks>
            <disk name='vda' checkpoint='bitmap' bitmap='cp2'/>
            <disk name='vdb' checkpoint='no'/>
          </disks>
        </domaincheckpoint>
        """#

    /// `virsh backup-dumpxml` of an incremental pull backup from cp1 over TCP with a scratch file.
    static let backupPullIncrementalTCP = #"""
        <domainbackup mode='pull'>
          <incremental>cp1</incremental>
          <server transport='tcp' name='localhost' port='10811'/>
          <disks>
            <disk name='vda' backup='yes' type='file' backupmode='incremental' incremental='cp1' exportname='vda' exportbitmap='backup-vda' index='3'>
              <driver type='qcow2'/>
              <scratch file='/var/lib/libvirt/images/rewind/rewind-xml-fix-vda.scratch'/>
            </disk>
            <disk name='vdb' backup='no'/>
          </disks>
        </domainbackup>
        """#

    /// `virsh backup-dumpxml` of a pull backup started with only `<server transport='unix' socket=…/>`: libvirt filled in the disks, the scratch file name and the export name.
    static let backupPullUnixDefaults = #"""
        <domainbackup mode='pull'>
          <server transport='unix' socket='/tmp/rewind-xml-fix/nbd.sock'/>
          <disks>
            <disk name='vda' backup='yes' type='file' backupmode='full' exportname='vda' index='4'>
              <driver type='qcow2'/>
              <scratch file='/var/lib/libvirt/images/rewind/rewind-xml-fix-vda.qcow2.1795794508'/>
            </disk>
            <disk name='vdb' backup='no'/>
          </disks>
        </domainbackup>
        """#

    /// `virsh backup-dumpxml` of a full push backup of vda while it ran.
    static let backupPush = #"""
        <domainbackup mode='push'>
          <disks>
            <disk name='vda' backup='yes' type='file' backupmode='full' index='6'>
              <driver type='qcow2'/>
              <target file='/var/lib/libvirt/images/rewind/rewind-xml-fix-vda.backup.qcow2'/>
            </disk>
            <disk name='vdb' backup='no'/>
          </disks>
        </domainbackup>
        """#

    /// `virsh capabilities` of the QEMU driver on a KVM host.
    static let capabilities = #"""
        <capabilities>

          <host>
            <uuid>3af38247-df3a-4245-a815-2fc4506a67f6</uuid>
            <cpu>
              <arch>x86_64</arch>
              <model>kvm64</model>
              <vendor>AMD</vendor>
              <microcode version='16777317'/>
              <signature family='25' model='17' stepping='1'/>
              <counter name='tsc' frequency='2596130000' scaling='no'/>
              <topology sockets='1' dies='1' cores='2' threads='1'/>
              <maxphysaddr mode='emulate' bits='48'/>
              <feature name='vme'/>
              <feature name='ht'/>
              <feature name='pclmuldq'/>
              <feature name='ssse3'/>
              <feature name='fma'/>
              <feature name='pcid'/>
              <feature name='sse4.1'/>
              <feature name='sse4.2'/>
              <feature name='x2apic'/>
              <feature name='movbe'/>
              <feature name='popcnt'/>
              <feature name='tsc-deadline'/>
              <feature name='aes'/>
              <feature name='xsave'/>
              <feature name='osxsave'/>
              <feature name='avx'/>
              <feature name='f16c'/>
              <feature name='rdrand'/>
              <feature name='hypervisor'/>
              <feature name='arat'/>
              <feature name='fsgsbase'/>
              <feature name='tsc_adjust'/>
              <feature name='bmi1'/>
              <feature name='avx2'/>
              <feature name='smep'/>
              <feature name='bmi2'/>
              <feature name='erms'/>
              <feature name='invpcid'/>
              <feature name='avx512f'/>
              <feature name='avx512dq'/>
              <feature name='rdseed'/>
              <feature name='adx'/>
              <feature name='smap'/>
              <feature name='avx512ifma'/>
              <feature name='clflushopt'/>
              <feature name='clwb'/>
              <feature name='avx512cd'/>
              <feature name='sha-ni'/>
              <feature name='avx512bw'/>
              <feature name='avx512vl'/>
              <feature name='avx512vbmi'/>
              <feature name='umip'/>
              <feature name='avx512vbmi2'/>
              <feature name='gfni'/>
              <feature name='vaes'/>
              <feature name='vpclmulqdq'/>
              <feature name='avx512vnni'/>
              <feature name='avx512bitalg'/>
              <feature name='avx512-vpopcntdq'/>
              <feature name='rdpid'/>
              <feature name='fsrm'/>
              <feature name='avx512-bf16'/>
              <feature name='xsaveopt'/>
              <feature name='xsavec'/>
              <feature name='xgetbv1'/>
              <feature name='xsaves'/>
              <feature name='mmxext'/>
              <feature name='fxsr_opt'/>
              <feature name='pdpe1gb'/>
              <feature name='rdtscp'/>
              <feature name='lahf_lm'/>
              <feature name='cmp_legacy'/>
              <feature name='cr8legacy'/>
              <feature name='abm'/>
              <feature name='sse4a'/>
              <feature name='misalignsse'/>
              <feature name='3dnowprefetch'/>
              <feature name='osvw'/>
              <feature name='topoext'/>
              <feature name='invtsc'/>
              <feature name='clzero'/>
              <feature name='xsaveerptr'/>
              <pages unit='KiB' size='4'/>
              <pages unit='KiB' size='2048'/>
              <pages unit='KiB' size='1048576'/>
            </cpu>
            <power_management/>
            <iommu support='no'/>
            <migration_features>
              <live/>
              <uri_transports>
                <uri_transport>tcp</uri_transport>
                <uri_transport>rdma</uri_transport>
              </uri_transports>
            </migration_features>
            <topology>
              <cells num='1'>
                <cell id='0'>
                  <memory unit='KiB'>5728460</memory>
                  <pages unit='KiB' size='4'>1432115</pages>
                  <pages unit='KiB' size='2048'>0</pages>
                  <pages unit='KiB' size='1048576'>0</pages>
                  <distances>
                    <sibling id='0' value='10'/>
                  </distances>
                  <cpus num='2'>
                    <cpu id='0' socket_id='0' die_id='0' core_id='0' siblings='0'/>
                    <cpu id='1' socket_id='0' die_id='0' core_id='1' siblings='1'/>
                  </cpus>
                </cell>
              </cells>
            </topology>
            <cache>
              <bank id='0' level='3' type='both' size='32' unit='MiB' cpus='0-1'/>
            </cache>
            <secmodel>
              <model>none</model>
              <doi>0</doi>
            </secmodel>
            <secmodel>
              <model>dac</model>
              <doi>0</doi>
              <baselabel type='kvm'>+0:+0</baselabel>
              <baselabel type='qemu'>+0:+0</baselabel>
            </secmodel>
          </host>

          <guest>
            <os_type>hvm</os_type>
            <arch name='i686'>
              <wordsize>32</wordsize>
              <emulator>/usr/bin/qemu-system-i386</emulator>
              <machine maxCpus='255'>pc-i440fx-7.2</machine>
              <machine canonical='pc-i440fx-7.2' maxCpus='255'>pc</machine>
              <machine maxCpus='288'>pc-q35-5.2</machine>
              <machine maxCpus='255'>pc-i440fx-2.12</machine>
              <machine maxCpus='255'>pc-i440fx-2.0</machine>
              <machine maxCpus='255'>pc-i440fx-6.2</machine>
              <machine maxCpus='288'>pc-q35-4.2</machine>
              <machine maxCpus='255'>pc-i440fx-2.5</machine>
              <machine maxCpus='255'>pc-i440fx-4.2</machine>
              <machine maxCpus='255'>pc-i440fx-5.2</machine>
              <machine maxCpus='255' deprecated='yes'>pc-i440fx-1.5</machine>
              <machine maxCpus='255'>pc-q35-2.7</machine>
              <machine maxCpus='288'>pc-q35-7.1</machine>
              <machine maxCpus='255'>pc-i440fx-2.2</machine>
              <machine maxCpus='255'>pc-i440fx-2.7</machine>
              <machine maxCpus='288'>pc-q35-6.1</machine>
              <machine maxCpus='255'>pc-q35-2.4</machine>
              <machine maxCpus='255'>pc-i440fx-7.1</machine>
              <machine maxCpus='288'>pc-q35-2.10</machine>
              <machine maxCpus='1'>x-remote</machine>
              <machine maxCpus='288'>pc-q35-5.1</machine>
              <machine maxCpus='255' deprecated='yes'>pc-i440fx-1.7</machine>
              <machine maxCpus='288'>pc-q35-2.9</machine>
              <machine maxCpus='255'>pc-i440fx-2.11</machine>
              <machine maxCpus='288'>pc-q35-3.1</machine>
              <machine maxCpus='255'>pc-i440fx-6.1</machine>
              <machine maxCpus='288'>pc-q35-4.1</machine>
              <machine maxCpus='255'>pc-i440fx-2.4</machine>
              <machine maxCpus='255'>pc-i440fx-4.1</machine>
              <machine maxCpus='255'>pc-i440fx-5.1</machine>
              <machine maxCpus='255'>pc-i440fx-2.9</machine>
              <machine maxCpus='1'>isapc</machine>
              <machine maxCpus='255' deprecated='yes'>pc-i440fx-1.4</machine>
              <machine maxCpus='255'>pc-q35-2.6</machine>
              <machine maxCpus='255'>pc-i440fx-3.1</machine>
              <machine maxCpus='288'>pc-q35-2.12</machine>
              <machine maxCpus='288'>pc-q35-7.0</machine>
              <machine maxCpus='255'>pc-i440fx-2.1</machine>
              <machine maxCpus='288'>pc-q35-6.0</machine>
              <machine maxCpus='288'>pc-q35-4.0.1</machine>
              <machine maxCpus='255'>pc-i440fx-2.6</machine>
              <machine maxCpus='255'>pc-i440fx-7.0</machine>
              <machine maxCpus='255' deprecated='yes'>pc-i440fx-1.6</machine>
              <machine maxCpus='288'>pc-q35-5.0</machine>
              <machine maxCpus='288'>pc-q35-2.8</machine>
              <machine maxCpus='255'>pc-i440fx-2.10</machine>
              <machine maxCpus='288'>pc-q35-3.0</machine>
              <machine maxCpus='255'>pc-i440fx-6.0</machine>
              <machine maxCpus='288'>pc-q35-7.2</machine>
              <machine canonical='pc-q35-7.2' maxCpus='288'>q35</machine>
              <machine maxCpus='288'>pc-q35-4.0</machine>
              <machine maxCpus='288'>microvm</machine>
              <machine maxCpus='255'>pc-i440fx-2.3</machine>
              <machine maxCpus='255'>pc-i440fx-4.0</machine>
              <machine maxCpus='255'>pc-i440fx-5.0</machine>
              <machine maxCpus='255'>pc-i440fx-2.8</machine>
              <machine maxCpus='288'>pc-q35-6.2</machine>
              <machine maxCpus='255'>pc-q35-2.5</machine>
              <machine maxCpus='255'>pc-i440fx-3.0</machine>
              <machine maxCpus='288'>pc-q35-2.11</machine>
              <domain type='qemu'/>
              <domain type='kvm'/>
            </arch>
            <features>
              <pae/>
              <nonpae/>
              <acpi default='on' toggle='yes'/>
              <apic default='on' toggle='no'/>
              <cpuselection/>
              <deviceboot/>
              <disksnapshot default='on' toggle='no'/>
            </features>
          </guest>

          <guest>
            <os_type>hvm</os_type>
            <arch name='x86_64'>
              <wordsize>64</wordsize>
              <emulator>/usr/bin/qemu-system-x86_64</emulator>
              <machine maxCpus='255'>pc-i440fx-7.2</machine>
              <machine canonical='pc-i440fx-7.2' maxCpus='255'>pc</machine>
              <machine maxCpus='288'>pc-q35-5.2</machine>
              <machine maxCpus='255'>pc-i440fx-2.12</machine>
              <machine maxCpus='255'>pc-i440fx-2.0</machine>
              <machine maxCpus='255'>pc-i440fx-6.2</machine>
              <machine maxCpus='288'>pc-q35-4.2</machine>
              <machine maxCpus='255'>pc-i440fx-2.5</machine>
              <machine maxCpus='255'>pc-i440fx-4.2</machine>
              <machine maxCpus='255'>pc-i440fx-5.2</machine>
              <machine maxCpus='255' deprecated='yes'>pc-i440fx-1.5</machine>
              <machine maxCpus='255'>pc-q35-2.7</machine>
              <machine maxCpus='288'>pc-q35-7.1</machine>
              <machine maxCpus='255'>pc-i440fx-2.2</machine>
              <machine maxCpus='255'>pc-i440fx-2.7</machine>
              <machine maxCpus='288'>pc-q35-6.1</machine>
              <machine maxCpus='255'>pc-q35-2.4</machine>
              <machine maxCpus='255'>pc-i440fx-7.1</machine>
              <machine maxCpus='288'>pc-q35-2.10</machine>
              <machine maxCpus='1'>x-remote</machine>
              <machine maxCpus='288'>pc-q35-5.1</machine>
              <machine maxCpus='255' deprecated='yes'>pc-i440fx-1.7</machine>
              <machine maxCpus='288'>pc-q35-2.9</machine>
              <machine maxCpus='255'>pc-i440fx-2.11</machine>
              <machine maxCpus='288'>pc-q35-3.1</machine>
              <machine maxCpus='255'>pc-i440fx-6.1</machine>
              <machine maxCpus='288'>pc-q35-4.1</machine>
              <machine maxCpus='255'>pc-i440fx-2.4</machine>
              <machine maxCpus='255'>pc-i440fx-4.1</machine>
              <machine maxCpus='255'>pc-i440fx-5.1</machine>
              <machine maxCpus='255'>pc-i440fx-2.9</machine>
              <machine maxCpus='1'>isapc</machine>
              <machine maxCpus='255' deprecated='yes'>pc-i440fx-1.4</machine>
              <machine maxCpus='255'>pc-q35-2.6</machine>
              <machine maxCpus='255'>pc-i440fx-3.1</machine>
              <machine maxCpus='288'>pc-q35-2.12</machine>
              <machine maxCpus='288'>pc-q35-7.0</machine>
              <machine maxCpus='255'>pc-i440fx-2.1</machine>
              <machine maxCpus='288'>pc-q35-6.0</machine>
              <machine maxCpus='255'>pc-i440fx-2.6</machine>
              <machine maxCpus='288'>pc-q35-4.0.1</machine>
              <machine maxCpus='255'>pc-i440fx-7.0</machine>
              <machine maxCpus='255' deprecated='yes'>pc-i440fx-1.6</machine>
              <machine maxCpus='288'>pc-q35-5.0</machine>
              <machine maxCpus='288'>pc-q35-2.8</machine>
              <machine maxCpus='255'>pc-i440fx-2.10</machine>
              <machine maxCpus='288'>pc-q35-3.0</machine>
              <machine maxCpus='255'>pc-i440fx-6.0</machine>
              <machine maxCpus='288'>pc-q35-7.2</machine>
              <machine canonical='pc-q35-7.2' maxCpus='288'>q35</machine>
              <machine maxCpus='288'>pc-q35-4.0</machine>
              <machine maxCpus='288'>microvm</machine>
              <machine maxCpus='255'>pc-i440fx-2.3</machine>
              <machine maxCpus='255'>pc-i440fx-4.0</machine>
              <machine maxCpus='255'>pc-i440fx-5.0</machine>
              <machine maxCpus='255'>pc-i440fx-2.8</machine>
              <machine maxCpus='288'>pc-q35-6.2</machine>
              <machine maxCpus='255'>pc-q35-2.5</machine>
              <machine maxCpus='255'>pc-i440fx-3.0</machine>
              <machine maxCpus='288'>pc-q35-2.11</machine>
              <domain type='qemu'/>
              <domain type='kvm'/>
            </arch>
            <features>
              <acpi default='on' toggle='yes'/>
              <apic default='on' toggle='no'/>
              <cpuselection/>
              <deviceboot/>
              <disksnapshot default='on' toggle='no'/>
            </features>
          </guest>

        </capabilities>
        """#

    /// `virsh domcapabilities` (default emulator, KVM).
    static let domainCapabilities = #"""
        <domainCapabilities>
          <path>/usr/bin/qemu-system-x86_64</path>
          <domain>kvm</domain>
          <machine>pc-i440fx-7.2</machine>
          <arch>x86_64</arch>
          <vcpu max='255'/>
          <iothreads supported='yes'/>
          <os supported='yes'>
            <enum name='firmware'/>
            <loader supported='yes'>
              <enum name='type'>
                <value>rom</value>
                <value>pflash</value>
              </enum>
              <enum name='readonly'>
                <value>yes</value>
                <value>no</value>
              </enum>
              <enum name='secure'>
                <value>no</value>
              </enum>
            </loader>
          </os>
          <cpu>
            <mode name='host-passthrough' supported='yes'>
              <enum name='hostPassthroughMigratable'>
                <value>on</value>
                <value>off</value>
              </enum>
            </mode>
            <mode name='maximum' supported='yes'>
              <enum name='maximumMigratable'>
                <value>on</value>
                <value>off</value>
              </enum>
            </mode>
            <mode name='host-model' supported='yes'>
              <model fallback='forbid'>kvm64</model>
              <vendor>AMD</vendor>
              <feature policy='require' name='vme'/>
              <feature policy='require' name='x2apic'/>
              <feature policy='require' name='tsc-deadline'/>
              <feature policy='require' name='hypervisor'/>
              <feature policy='require' name='arat'/>
              <feature policy='require' name='tsc_adjust'/>
              <feature policy='require' name='clflushopt'/>
              <feature policy='require' name='clwb'/>
              <feature policy='require' name='umip'/>
              <feature policy='require' name='gfni'/>
              <feature policy='require' name='arch-capabilities'/>
              <feature policy='require' name='mmxext'/>
              <feature policy='require' name='fxsr_opt'/>
              <feature policy='require' name='lahf_lm'/>
              <feature policy='require' name='cmp_legacy'/>
              <feature policy='require' name='cr8legacy'/>
              <feature policy='require' name='misalignsse'/>
              <feature policy='require' name='3dnowprefetch'/>
              <feature policy='require' name='osvw'/>
              <feature policy='require' name='invtsc'/>
              <feature policy='require' name='clzero'/>
              <feature policy='require' name='xsaveerptr'/>
              <feature policy='require' name='rdctl-no'/>
              <feature policy='require' name='skip-l1dfl-vmentry'/>
              <feature policy='require' name='mds-no'/>
              <feature policy='require' name='pschange-mc-no'/>
              <feature policy='disable' name='pni'/>
            </mode>
            <mode name='custom' supported='yes'>
              <model usable='no' vendor='unknown'>qemu64</model>
              <model usable='no' vendor='unknown'>qemu32</model>
              <model usable='no' vendor='AMD'>phenom</model>
              <model usable='yes' vendor='unknown'>pentium3</model>
              <model usable='yes' vendor='unknown'>pentium2</model>
              <model usable='yes' vendor='unknown'>pentium</model>
              <model usable='no' vendor='Intel'>n270</model>
              <model usable='no' vendor='unknown'>kvm64</model>
              <model usable='no' vendor='unknown'>kvm32</model>
              <model usable='no' vendor='Intel'>coreduo</model>
              <model usable='no' vendor='Intel'>core2duo</model>
              <model usable='no' vendor='AMD'>athlon</model>
              <model usable='no' vendor='Intel'>Westmere-IBRS</model>
              <model usable='no' vendor='Intel'>Westmere</model>
              <model usable='no' vendor='Intel'>Snowridge</model>
              <model usable='no' vendor='Intel'>Skylake-Server-noTSX-IBRS</model>
              <model usable='no' vendor='Intel'>Skylake-Server-IBRS</model>
              <model usable='no' vendor='Intel'>Skylake-Server</model>
              <model usable='no' vendor='Intel'>Skylake-Client-noTSX-IBRS</model>
              <model usable='no' vendor='Intel'>Skylake-Client-IBRS</model>
              <model usable='no' vendor='Intel'>Skylake-Client</model>
              <model usable='no' vendor='Intel'>SandyBridge-IBRS</model>
              <model usable='no' vendor='Intel'>SandyBridge</model>
              <model usable='no' vendor='Intel'>Penryn</model>
              <model usable='no' vendor='AMD'>Opteron_G5</model>
              <model usable='no' vendor='AMD'>Opteron_G4</model>
              <model usable='no' vendor='AMD'>Opteron_G3</model>
              <model usable='no' vendor='AMD'>Opteron_G2</model>
              <model usable='no' vendor='AMD'>Opteron_G1</model>
              <model usable='no' vendor='Intel'>Nehalem-IBRS</model>
              <model usable='no' vendor='Intel'>Nehalem</model>
              <model usable='no' vendor='Intel'>IvyBridge-IBRS</model>
              <model usable='no' vendor='Intel'>IvyBridge</model>
              <model usable='no' vendor='Intel'>Icelake-Server-noTSX</model>
              <model usable='no' vendor='Intel'>Icelake-Server</model>
              <model usable='no' vendor='Intel'>Haswell-noTSX-IBRS</model>
              <model usable='no' vendor='Intel'>Haswell-noTSX</model>
              <model usable='no' vendor='Intel'>Haswell-IBRS</model>
              <model usable='no' vendor='Intel'>Haswell</model>
              <model usable='no' vendor='AMD'>EPYC-Rome</model>
              <model usable='no' vendor='AMD'>EPYC-Milan</model>
              <model usable='no' vendor='AMD'>EPYC-IBPB</model>
              <model usable='no' vendor='AMD'>EPYC</model>
              <model usable='no' vendor='Hygon'>Dhyana</model>
              <model usable='no' vendor='Intel'>Cooperlake</model>
              <model usable='no' vendor='Intel'>Conroe</model>
              <model usable='no' vendor='Intel'>Cascadelake-Server-noTSX</model>
              <model usable='no' vendor='Intel'>Cascadelake-Server</model>
              <model usable='no' vendor='Intel'>Broadwell-noTSX-IBRS</model>
              <model usable='no' vendor='Intel'>Broadwell-noTSX</model>
              <model usable='no' vendor='Intel'>Broadwell-IBRS</model>
              <model usable='no' vendor='Intel'>Broadwell</model>
              <model usable='yes' vendor='unknown'>486</model>
            </mode>
          </cpu>
          <memoryBacking supported='yes'>
            <enum name='sourceType'>
              <value>file</value>
              <value>anonymous</value>
              <value>memfd</value>
            </enum>
          </memoryBacking>
          <devices>
            <disk supported='yes'>
              <enum name='diskDevice'>
                <value>disk</value>
                <value>cdrom</value>
                <value>floppy</value>
                <value>lun</value>
              </enum>
              <enum name='bus'>
                <value>ide</value>
                <value>fdc</value>
                <value>scsi</value>
                <value>virtio</value>
                <value>usb</value>
                <value>sata</value>
              </enum>
              <enum name='model'>
                <value>virtio</value>
                <value>virtio-transitional</value>
                <value>virtio-non-transitional</value>
              </enum>
            </disk>
            <graphics supported='yes'>
              <enum name='type'>
                <value>sdl</value>
                <value>vnc</value>
                <value>spice</value>
                <value>egl-headless</value>
                <value>dbus</value>
              </enum>
            </graphics>
            <video supported='yes'>
              <enum name='modelType'>
                <value>vga</value>
                <value>cirrus</value>
                <value>vmvga</value>
                <value>qxl</value>
                <value>virtio</value>
                <value>none</value>
                <value>bochs</value>
                <value>ramfb</value>
              </enum>
            </video>
            <hostdev supported='yes'>
              <enum name='mode'>
                <value>subsystem</value>
              </enum>
              <enum name='startupPolicy'>
                <value>default</value>
                <value>mandatory</value>
                <value>requisite</value>
                <value>optional</value>
              </enum>
              <enum name='subsysType'>
                <value>usb</value>
                <value>pci</value>
                <value>scsi</value>
              </enum>
              <enum name='capsType'/>
              <enum name='pciBackend'/>
            </hostdev>
            <rng supported='yes'>
              <enum name='model'>
                <value>virtio</value>
                <value>virtio-transitional</value>
                <value>virtio-non-transitional</value>
              </enum>
              <enum name='backendModel'>
                <value>random</value>
                <value>egd</value>
                <value>builtin</value>
              </enum>
            </rng>
            <filesystem supported='yes'>
              <enum name='driverType'>
                <value>path</value>
                <value>handle</value>
                <value>virtiofs</value>
              </enum>
            </filesystem>
            <tpm supported='yes'>
              <enum name='model'>
                <value>tpm-tis</value>
                <value>tpm-crb</value>
              </enum>
              <enum name='backendModel'>
                <value>passthrough</value>
              </enum>
            </tpm>
            <redirdev supported='yes'>
              <enum name='bus'>
                <value>usb</value>
              </enum>
            </redirdev>
            <channel supported='yes'>
              <enum name='type'>
                <value>pty</value>
                <value>unix</value>
                <value>spicevmc</value>
              </enum>
            </channel>
          </devices>
          <features>
            <gic supported='no'/>
            <vmcoreinfo supported='yes'/>
            <genid supported='yes'/>
            <backingStoreInput supported='yes'/>
            <backup supported='yes'/>
            <sev supported='no'/>
            <sgx supported='no'/>
            <hyperv supported='yes'>
              <enum name='features'>
                <value>spinlocks</value>
                <value>vendor_id</value>
              </enum>
            </hyperv>
          </features>
        </domainCapabilities>
        """#
}
